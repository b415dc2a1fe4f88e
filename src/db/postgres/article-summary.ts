import { sql } from 'drizzle-orm';
import type { AuthorSummary, TagSummary } from '../../domain/article.js';
import { articles } from './schema.js';

/**
 * The columns of an article summary, with its authors and tags as JSON arrays in byline and tag
 * order, so one statement returns whole summaries; the driver parses the JSON. The subqueries name
 * `articles.id` in full: drizzle writes a column of a one-table select unqualified, which inside
 * them would be another table's id.
 */
export const summaryColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  subtitle: articles.subtitle,
  excerpt: articles.excerpt,
  images: articles.images,
  language: articles.language,
  word_count: articles.wordCount,
  reading_time_minutes: articles.readingTimeMinutes,
  published_at: articles.publishedAt,
  source_url: articles.sourceUrl,
  content_hash: articles.contentHash,
  created_at: articles.createdAt,
  updated_at: articles.updatedAt,
  authors: sql<AuthorSummary[]>`(SELECT coalesce(json_agg(json_build_object('id', au.id, 'slug', au.slug,
    'name', au.name) ORDER BY aa.position), '[]') FROM article_authors aa JOIN authors au ON au.id = aa.author_id
    WHERE aa.article_id = articles.id)`,
  tags: sql<
    TagSummary[]
  >`(SELECT coalesce(json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name,
    'derived', at.derived) ORDER BY at.position), '[]') FROM article_tags at JOIN tags t ON t.id = at.tag_id
    WHERE at.article_id = articles.id)`,
};

export const bodyColumns = { body_text: articles.bodyText, body_html: articles.bodyHtml };
