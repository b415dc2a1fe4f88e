/**
 * What every client script shares: where the server is, the API key, the seed data it can count on,
 * fresh articles to ingest, and a tiny assertion that names the step that failed.
 */

export const baseUrl = required('GAZETTE_URL');
export const apiKey = required('GAZETTE_KEY');
export const client = required('GAZETTE_CLIENT');

/** From the seeds/ folder, which the server ingests on start. */
export const seed = {
  articleCount: 8,
  slug: 'ferry-company-orders-two-hybrid-vessels-for-the-island-routes',
  author: 'ines-brackley',
  tag: 'ferries',
  search: 'hybrid ferries',
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function check(condition: unknown, step: string, detail?: unknown): asserts condition {
  if (!condition) {
    throw new Error(`${client}: ${step}${detail === undefined ? '' : ` (got ${JSON.stringify(detail)})`}`);
  }
}

/** A plain-text article no other client sends, long enough to be stored. */
export function plainArticle(topic: string): string {
  return [
    `The ${client} ${topic} committee meets in Port Alder`,
    'By Ines Brackley',
    `Members of the ${client} ${topic} committee met at the harbour offices in Port Alder on Tuesday to agree a plan for the coming year.`,
    `The committee said the ${topic} plan would be published in the spring after a public consultation with residents and businesses.`,
    'Tags: Port Alder, transport',
  ].join('\n\n');
}

export function htmlArticle(topic: string): string {
  return (
    `<html><head><title>${client} ${topic}</title></head><body><article>` +
    `<h1>The ${client} ${topic} garden opens in Easterleigh</h1><p>By Mara Velden</p>` +
    `<p>A new ${topic} garden run by the ${client} volunteers opened beside the library in Easterleigh on Saturday morning.</p>` +
    `<p>Volunteers planted the ${topic} garden over the winter on land behind the building that had been a car park.</p>` +
    '</article></body></html>'
  );
}

/** True when every key of the ingest report's `fields` map is snake_case. */
export const snakeCaseKeys = (map: object) => Object.keys(map).every((key) => /^[a-z_]+$/.test(key));

export function done() {
  console.log(`${client}: every step passed`);
}
