import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';
import { queryOn } from '../support/database.js';
import { exportOf, linesOf, populate } from '../support/transfer.js';

/**
 * SQLite serves an article's authors and tags from `article_cards`, a copy its triggers keep. After
 * every kind of write the copy must equal what the link tables say, worked out here independently.
 */
async function cardsAgainstLinks(t: Test, app: FastifyInstance) {
  const query = await queryOn(t, databaseUrlOf(app));
  const articles = await query<{ id: number }>('SELECT id FROM articles ORDER BY id');
  const cards = await query<{ article_id: number; authors: string; tags: string }>(
    'SELECT article_id, authors, tags FROM article_cards ORDER BY article_id',
  );
  const authors = await query<{ article_id: number; id: number; slug: string; name: string }>(
    `SELECT aa.article_id, au.id, au.slug, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id
     ORDER BY aa.article_id, aa.position`,
  );
  const tags = await query<{ article_id: number; id: number; slug: string; name: string; derived: number }>(
    `SELECT at.article_id, t.id, t.slug, t.name, at.derived FROM article_tags at JOIN tags t ON t.id = at.tag_id
     ORDER BY at.article_id, at.position`,
  );
  const expected = articles.map(({ id }) => ({
    article_id: id,
    authors: authors.filter((row) => row.article_id === id).map(({ article_id, ...author }) => author),
    tags: tags
      .filter((row) => row.article_id === id)
      .map(({ article_id, derived, ...tag }) => ({ ...tag, derived: derived === 1 })),
  }));
  const stored = cards.map((card) => ({
    article_id: card.article_id,
    authors: JSON.parse(card.authors),
    tags: JSON.parse(card.tags),
  }));
  return { stored, expected };
}

const patch = (app: FastifyInstance, url: string, body: unknown) =>
  app.inject({
    method: 'PATCH',
    url,
    headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify(body),
  });

t.test(
  'article cards follow every write: ingest, edits, renames, a merge, a delete, an import',
  async (t) => {
    const app = await buildTestApp(t, {}, 'sqlite');
    const { edited } = await populate(app);
    const article = await ingestText(
      app,
      plainArticle({ author: 'Marta Quill', tags: ['Rail', 'Night trains', 'Budgets'] }),
    );
    const edits = async (list: [string, unknown][]) => {
      for (const [url, body] of list) t.equal((await patch(app, url, body)).statusCode, 200, url);
    };
    await edits([
      [`/v1/articles/${article.id}`, { authors: ['Ines Okafor', 'Marta Quill'] }],
      [`/v1/articles/${article.id}`, { tags: ['Night trains', 'Rail'] }],
      [`/v1/articles/${edited.id}`, { authors: [], tags: [] }],
    ]);
    // Gazette itself never moves a link; a tool writing to the file might, and the cards follow it too.
    const query = await queryOn(t, databaseUrlOf(app));
    await query('UPDATE article_authors SET position = 1 - position WHERE article_id = ?', article.id);
    await edits([
      ['/v1/authors/marta-quill', { name: 'Marta Quill-Ode' }],
      ['/v1/tags/rail', { name: 'Railways' }],
    ]);

    const { stored, expected } = await cardsAgainstLinks(t, app);
    t.same(stored, expected, 'one card per article, equal to its links');
    const shown = (await app.inject(`/v1/articles/${article.id}`)).json();
    t.same(
      shown.authors.map((author: { name: string }) => author.name),
      ['Marta Quill-Ode', 'Ines Okafor'],
      'the byline in its new order, with the new name',
    );
    t.same(
      shown.tags.map((tag: { name: string }) => tag.name),
      ['Night trains', 'Railways'],
    );

    const copy = await buildTestApp(t, {}, 'sqlite');
    await copy.services.transfer.importFrom(linesOf(await exportOf(app)));
    const imported = await cardsAgainstLinks(t, copy);
    t.same(imported.stored, imported.expected, 'an import builds the cards too');
    t.same(imported.stored, stored, 'the same cards as the source');
  },
);
