import type Database from 'better-sqlite3';
import type { ArticleDraft } from '../../domain/article.js';
import type { StoredRow } from './rows.js';
import type { articles } from './schema.js';
import { uniqueSlug } from './statements.js';

type ArticleId = StoredRow<typeof articles>['id'];

/** The columns of an article row written from a draft. */
function articleParams(draft: ArticleDraft, now: string) {
  const { authors, tags, ...columns } = draft;
  // The names ride along on the article row so the full-text triggers index them in the same write.
  const authorNames = authors.map((author) => author.name).join(' ');
  const tagNames = tags.map((tag) => tag.name).join(' ');
  return { ...columns, images: JSON.stringify(draft.images), authorNames, tagNames, now };
}

/** Writes of the `articles` table itself; the caller runs them inside its transaction. */
export function createArticleRows(sqlite: Database.Database) {
  const slugTaken = sqlite.prepare('SELECT 1 FROM articles WHERE slug = ?').pluck();
  const insertArticle = sqlite.prepare(`INSERT INTO articles (slug, title, subtitle, excerpt, body_text,
    body_html, images, language, word_count, reading_time_minutes, published_at, source_url, content_hash,
    author_names, tag_names, simhash, created_at, updated_at) VALUES (@slug, @title, @subtitle, @excerpt,
    @bodyText, @bodyHtml, @images, @language, @wordCount, @readingTimeMinutes, @publishedAt, @sourceUrl,
    @contentHash, @authorNames, @tagNames, @simhash, @now, @now)`);
  const updateArticle = sqlite.prepare(`UPDATE articles SET title = @title, subtitle = @subtitle,
    excerpt = @excerpt, body_text = @bodyText, body_html = @bodyHtml, images = @images, language = @language,
    word_count = @wordCount, reading_time_minutes = @readingTimeMinutes, published_at = @publishedAt,
    content_hash = @contentHash, author_names = @authorNames, tag_names = @tagNames, simhash = @simhash,
    updated_at = @now WHERE id = @id`);
  const bySourceUrl = sqlite
    .prepare<[string], ArticleId>('SELECT id FROM articles WHERE source_url = ?')
    .pluck();
  const byContentHash = sqlite
    .prepare<[string], ArticleId>('SELECT id FROM articles WHERE content_hash = ?')
    .pluck();

  return {
    /** The stored article this draft is a copy of: the same source URL, or else the same content. */
    copyOf(draft: ArticleDraft): number | undefined {
      return (
        (draft.sourceUrl ? bySourceUrl.get(draft.sourceUrl) : undefined) ??
        byContentHash.get(draft.contentHash)
      );
    },

    /** Inserts the article under its slug, numbered when another article has it; returns its id. */
    insert(draft: ArticleDraft, now: string): number {
      const slug = uniqueSlug(draft.slug, (candidate) => slugTaken.get(candidate));
      return Number(insertArticle.run(articleParams({ ...draft, slug }, now)).lastInsertRowid);
    },

    /** Rewrites every column from the draft but the slug, which links may already point at. */
    update(id: number, draft: ArticleDraft, now: string): void {
      updateArticle.run({ ...articleParams(draft, now), id });
    },
  };
}
