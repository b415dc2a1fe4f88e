import t from 'tap';
import type { ArticleDraft } from '../../src/domain/article.js';
import { type IngestRecord, nearDuplicateCandidates } from '../../src/domain/ingest.js';
import { parseArticle } from '../../src/ingest/parse.js';
import { draftFromOutcome, rawArticleOf } from '../../src/services/draft.js';
import { plainArticle } from '../support/app.js';
import { ingestRecordOf, testRepositories } from '../support/database.js';

const request = { raw: Buffer.from(plainArticle()), contentType: 'text/plain', overrides: {} };
const template = draftFromOutcome(request, parseArticle(rawArticleOf(request))).draft;

/** An article with a chosen simhash: all of these share the band `0000`. */
function item(name: string, simhash: string): { draft: ArticleDraft; record: IngestRecord } {
  return {
    draft: { ...template, title: name, slug: name, contentHash: `hash-${name}`, simhash },
    record: ingestRecordOf(name, '2026-05-01T00:00:00.000Z'),
  };
}

const original = '0000000000000000';
/** Two bits from the original: a near-duplicate of it. */
const nearOriginal = '0000000000000003';
/** Shares the first band with both, but differs from them in 48 bits. */
const unrelated = '0000ffffffffffff';

t.test('a new article is compared with the newest articles that share a band, not all of them', async (t) => {
  const store = async (items: ReturnType<typeof item>[]) =>
    (await testRepositories(t)).repositories.ingest.storeArticles(items);
  const others = (count: number) => Array.from({ length: count }, (_, n) => item(`other-${n}`, unrelated));

  // The original is among the newest candidates: the new version is flagged as its near-duplicate.
  const within = await store([
    item('original', original),
    ...others(nearDuplicateCandidates - 1),
    item('new-version', nearOriginal),
  ]);
  const first = within[0]!;
  const flagged = within.at(-1)!;
  t.same(flagged.kind === 'stored' && flagged.warnings, [
    `near-duplicate of article ${first.kind === 'stored' && first.articleId}`,
  ]);

  // With as many newer look-alikes as are compared, the original is past the window.
  const past = await store([
    item('original', original),
    ...others(nearDuplicateCandidates),
    item('new-version', nearOriginal),
  ]);
  const last = past.at(-1)!;
  t.same(last.kind === 'stored' && last.warnings, [], 'no comparison with every earlier version');

  // Of several matches in the window, the warning names the oldest: the article the others copy.
  const several = await store([
    item('original', original),
    ...others(3),
    item('second-version', '0000000000000001'),
    item('new-version', nearOriginal),
  ]);
  const [oldest, latest] = [several[0]!, several.at(-1)!];
  t.same(latest.kind === 'stored' && latest.warnings, [
    `near-duplicate of article ${oldest.kind === 'stored' && oldest.articleId}`,
  ]);
});
