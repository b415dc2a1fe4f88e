import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { auth, plainArticle, testApiKey } from '../support/app.js';
import { startServerProcess } from '../support/processes.js';

/** The parts of Gazette's answers this test reads. */
interface Answer {
  article?: { id: number };
  data?: { slug: string }[];
  facets?: unknown;
}

/** One request on a connection of its own: the cluster deals connections out in turn, so both workers answer. */
function send(url: string, method = 'GET', body?: unknown): Promise<{ status: number; json: Answer }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...auth,
          ...(payload === undefined
            ? {}
            : { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        response.on('end', () =>
          resolve({ status: response.statusCode!, json: text ? JSON.parse(text) : {} }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * Two processes on one file, each with its own search thread keeping articles' links in memory for
 * facets: whichever process makes a change, and whichever answers the search next, the search's
 * facets equal the plain list's, which SQL counts afresh. Tag and author names are hostile on purpose.
 */
t.test(
  'serve --workers 2: search facets follow edits, merges and renames made by either process',
  async (t) => {
    t.setTimeout(120_000);
    const directory = mkdtempSync(path.join(tmpdir(), 'gazette-facets-'));
    const server = await startServerProcess(path.join(directory, 'gazette.db'), {
      API_KEYS: testApiKey,
      WORKERS: '2',
    });
    t.teardown(async () => {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    });
    const ids: number[] = [];
    for (let index = 0; index < 10; index++) {
      const created = await send(`${server.url}/v1/ingest`, 'POST', {
        raw: plainArticle(),
        content_type: 'text/plain',
      });
      t.equal(created.status, 201, server.output());
      ids.push(created.json.article!.id);
    }
    const names = [
      'Ünïcödé',
      'a "quoted" tag',
      '🚀 Launch',
      'مرحبا',
      '<b>bold</b>',
      'Zero\u200bwidth',
      'Ferries',
      'Ελληνικά',
    ];
    const people = ['Zoë Ålander', '李小龙', "O'Brien"];
    let seed = 11;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length]!;
    };

    let compared = 0;
    let differing = 0;
    for (let round = 0; round < 24; round++) {
      const edit: Record<string, unknown> = { tags: [pick(names), pick(names)], authors: [pick(people)] };
      if (round % 3 === 0) edit.published_at = `202${round % 6}-0${1 + (round % 9)}-15T10:00:00Z`;
      t.equal((await send(`${server.url}/v1/articles/${pick(ids)}`, 'PATCH', edit)).status, 200);
      if (round % 8 === 7) {
        const tags = (await send(`${server.url}/v1/tags?limit=100`)).json.data!;
        const [from, into] = [tags[0]!.slug, tags.at(-1)!.slug];
        if (from !== into)
          t.equal((await send(`${server.url}/v1/tags/${from}/merge`, 'POST', { into })).status, 200);
        t.equal(
          (await send(`${server.url}/v1/tags/${into}`, 'PATCH', { name: `${pick(names)} ${round}` })).status,
          200,
        );
      }
      const counted = (await send(`${server.url}/v1/articles?facets=tag,author,month`)).json.facets;
      for (let ask = 0; ask < 2; ask++) {
        const searched = (await send(`${server.url}/v1/articles?q=council&facets=tag,author,month&limit=1`))
          .json;
        compared++;
        if (JSON.stringify(searched.facets) !== JSON.stringify(counted)) differing++;
      }
    }
    t.equal(differing, 0, `every one of ${compared} searches counts what the list counts`);
  },
);
