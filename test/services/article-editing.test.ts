import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { migrateDatabase, openDatabase } from '../../src/db/sqlite/connection.js';
import { createRepositories } from '../../src/db/sqlite/repositories.js';
import type { ArticleView } from '../../src/domain/article.js';
import type { Repositories } from '../../src/domain/ports.js';
import { PreconditionFailed } from '../../src/lib/errors.js';
import { createArticleEditingService } from '../../src/services/article-editing.js';
import { createIngestService } from '../../src/services/ingest.js';
import { plainArticle, testParser } from '../support/app.js';

/** Repositories on a fresh database, closed and deleted when the test ends. */
function repositoriesFor(t: { teardown(fn: () => void): void }): Repositories {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-editing-service-'));
  const db = openDatabase(path.join(directory, 'gazette.db'));
  migrateDatabase(db);
  t.teardown(() => {
    db.$client.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return createRepositories(db);
}

/** A promise each caller awaits until `count` callers have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived++;
    if (arrived === count) release();
    return all;
  };
}

t.test('two writers that both pass their If-Match check before either writes: one wins', async (t) => {
  const repositories = repositoriesFor(t);
  const ingest = createIngestService(repositories, testParser());
  const { article } = await ingest.ingestArticle({
    raw: plainArticle({ title: 'Canal locks restored' }),
    contentType: 'text/plain',
    overrides: {},
  });
  // Both writers read the same version, then both wait until the other has read it too.
  const bothRead = barrier(2);
  const { edits } = repositories;
  const editing = createArticleEditingService({
    ...repositories,
    edits: {
      ...edits,
      async findEditableArticle(idOrSlug) {
        const found = await edits.findEditableArticle(idOrSlug);
        await bothRead();
        return found;
      },
    },
  });
  const readVersion = article.updated_at;
  const checks: string[] = [];
  // The precondition stands in for If-Match: it holds only for the version both clients read.
  const ifMatch = (client: string) => (current: ArticleView) => {
    checks.push(
      `${client} saw ${current.updated_at === readVersion ? 'the version it read' : 'a newer one'}`,
    );
    if (current.updated_at !== readVersion) throw new PreconditionFailed('stale', current.updated_at);
  };
  const outcomes = await Promise.allSettled([
    editing.editArticle(String(article.id), { subtitle: 'first' }, ifMatch('first')),
    editing.editArticle(String(article.id), { subtitle: 'second' }, ifMatch('second')),
  ]);
  const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
  t.equal(won.length, 1, 'exactly one edit is applied');
  t.equal(lost.length, 1);
  t.type((lost[0] as PromiseRejectedResult).reason, PreconditionFailed, 'the other is refused as stale');
  t.equal(
    checks.filter((check) => check.endsWith('the version it read')).length,
    2,
    'both checks passed first',
  );
  const stored = await repositories.articles.findArticleView(String(article.id), false);
  t.equal(stored?.subtitle, (won[0] as PromiseFulfilledResult<ArticleView>).value.subtitle);
  t.ok(stored && stored.updated_at > readVersion, 'the stored version is newer than the one read');
});

t.test('edits within one millisecond still leave distinct versions', async (t) => {
  const repositories = repositoriesFor(t);
  const ingest = createIngestService(repositories, testParser());
  const { article } = await ingest.ingestArticle({
    raw: plainArticle({ title: 'Swing bridge greased' }),
    contentType: 'text/plain',
    overrides: {},
  });
  const editing = createArticleEditingService(repositories);
  const versions = new Set([article.updated_at]);
  for (let n = 0; n < 20; n++) {
    versions.add((await editing.editArticle(String(article.id), { subtitle: `edit ${n}` })).updated_at);
  }
  t.equal(versions.size, 21, 'every edit has its own updated_at');
});
