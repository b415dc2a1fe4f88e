/** A real-looking paragraph, so a hostile page is also an article apart from its trap. */
const paragraph =
  'The harbour council approved six battery ferries on Tuesday after a long debate about fares, timetables and the cost of new chargers at the piers.';
let pier = 0;
/** Four paragraphs that differ from every other story's, so no input is a duplicate of another. */
function story(): string[] {
  pier++;
  return Array.from({ length: 4 }, (_, index) => `${paragraph} Pier ${pier} opens in ${2027 + index}.`);
}
const plainStory = () => story().join('\n\n');
const htmlStory = () =>
  story()
    .map((text) => `<p>${text}</p>`)
    .join('');

export interface HostileInput {
  name: string;
  contentType: 'text/plain' | 'text/html';
  body: string;
}

function page(head: string, body: string): string {
  return `<!DOCTYPE html><html><head><title>Harbour votes for battery ferries</title>${head}</head><body>${body}</body></html>`;
}

/**
 * The inputs that used to stall ingest for seconds to minutes: deep nesting (Readability), and
 * long runs of one character class against the parser's patterns.
 */
export function hostileInputs(): HostileInput[] {
  const nested = (depth: number): HostileInput => ({
    name: `${depth} nested <div>`,
    contentType: 'text/html',
    body: page('', `${'<div>'.repeat(depth)}${htmlStory()}${'</div>'.repeat(depth)}`),
  });
  const sentence = 'Ferry fares rise again as the council debates its budget for the year. ';
  return [
    nested(1000),
    nested(2000),
    nested(5000),
    {
      name: '<p> with 200k spaces',
      contentType: 'text/html',
      body: page('', `${htmlStory()}<p>a${' '.repeat(200_000)}\nb</p>`),
    },
    {
      name: '<meta name="author"> with 100k newlines',
      contentType: 'text/html',
      body: page(`<meta name="author" content="Ann${'\n'.repeat(100_000)}x">`, htmlStory()),
    },
    {
      name: 'JSON-LD author with 100k U+2028',
      contentType: 'text/html',
      body: page(
        `<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Ann ${'\u2028'.repeat(100_000)}x"}}</script>`,
        htmlStory(),
      ),
    },
    {
      name: '[ then 100k U+2028',
      contentType: 'text/plain',
      body: `Harbour votes\n\n${plainStory()}\n\n[${'\u2028'.repeat(100_000)}`,
    },
    {
      name: '[see …] then 50k U+1680',
      contentType: 'text/plain',
      body: `Harbour votes\n\n${plainStory()}\n\n[see the report${'\u1680'.repeat(50_000)}`,
    },
    {
      name: 'A + 100k dots + b.',
      contentType: 'text/plain',
      body: `Harbour votes\n\n${plainStory()}\n\nA${'.'.repeat(100_000)}b.`,
    },
    {
      name: 'a 5 MB single line of text',
      contentType: 'text/plain',
      body: `Pier ${++pier}. ${sentence.repeat(Math.floor(5_000_000 / sentence.length))}`,
    },
    {
      name: 'a 5 MB single-line page',
      contentType: 'text/html',
      body: page(
        `<script>var x="${'y'.repeat(4_000_000)}";</script>`,
        `<nav>${'<a href="/">Home</a>'.repeat(20_000)}</nav>${htmlStory()}`,
      ),
    },
  ];
}
