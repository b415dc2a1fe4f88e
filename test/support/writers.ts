import Database from 'better-sqlite3';
import { plainArticle, testApiKey } from './app.js';

/** What a write load did: every article the servers acknowledged, and every error they answered. */
export interface WriteLoad {
  /** article id → the source URL it was sent with */
  acknowledged: Map<number, string>;
  errors: string[];
  requests: number;
}

const headers = (type: string) => ({ authorization: `Bearer ${testApiKey}`, 'content-type': type });
let sequence = 0;
const runId = `${process.pid}-${Date.now().toString(36)}`;

function nextArticle() {
  sequence++;
  return {
    raw: plainArticle({ title: `Harbour works report ${runId} number ${sequence}` }),
    source_url: `https://news.example.com/${runId}/${sequence}`,
  };
}

/**
 * Ingests into every server at once until `durationMs` has passed: per server, one client posting
 * single articles and one streaming NDJSON batches of `batchSize`. Stops early on `signal`.
 */
export async function ingestFor(
  servers: string[],
  options: { durationMs: number; batchSize?: number; signal?: AbortSignal },
): Promise<WriteLoad> {
  const load: WriteLoad = { acknowledged: new Map(), errors: [], requests: 0 };
  const deadline = Date.now() + options.durationMs;
  const running = () => Date.now() < deadline && !options.signal?.aborted;

  async function singles(url: string) {
    while (running()) {
      const article = nextArticle();
      load.requests++;
      try {
        const response = await fetch(`${url}/v1/ingest`, {
          method: 'POST',
          headers: headers('application/json'),
          body: JSON.stringify(article),
        });
        const body = (await response.json()) as { article: { id: number }; detail?: string };
        if (response.status === 201) load.acknowledged.set(body.article.id, article.source_url);
        else load.errors.push(`single ${response.status}: ${body.detail}`);
      } catch (error) {
        load.errors.push(`single: ${(error as Error).message}`);
      }
    }
  }

  async function batches(url: string) {
    while (running()) {
      const articles = Array.from({ length: options.batchSize ?? 10 }, nextArticle);
      load.requests++;
      try {
        const response = await fetch(`${url}/v1/ingest/batch`, {
          method: 'POST',
          headers: headers('application/x-ndjson'),
          body: articles.map((article) => JSON.stringify(article)).join('\n'),
        });
        const text = await response.text();
        if (response.status !== 200) {
          load.errors.push(`batch ${response.status}: ${text.slice(0, 200)}`);
          continue;
        }
        for (const line of text.trim().split('\n')) {
          const result = JSON.parse(line);
          if (result.status === 'created') {
            load.acknowledged.set(result.article_id, articles[result.line - 1]!.source_url);
          } else load.errors.push(`batch line ${result.status}: ${JSON.stringify(result.problem)}`);
        }
      } catch (error) {
        load.errors.push(`batch: ${(error as Error).message}`);
      }
    }
  }

  await Promise.all(servers.flatMap((url) => [singles(url), batches(url)]));
  return load;
}

/** The acknowledged articles that are not in the database as acknowledged. */
export function missingArticles(databasePath: string, acknowledged: Map<number, string>): number[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    const sourceOf = db.prepare('SELECT source_url FROM articles WHERE id = ?').pluck();
    return [...acknowledged].filter(([id, url]) => sourceOf.get(id) !== url).map(([id]) => id);
  } finally {
    db.close();
  }
}
