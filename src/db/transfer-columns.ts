/** The columns an export reads, the same on both engines so their lines are the same. */
export const authorColumns = 'id, slug, name, name_key, bio, created_at, updated_at';
export const tagColumns = 'id, slug, name, description, created_at, updated_at';
export const articleColumns = `id, slug, title, subtitle, excerpt, body_text, body_html, images, language,
  word_count, reading_time_minutes, published_at, source_url, content_hash, author_names, tag_names,
  simhash, edited_at, created_at, updated_at`;
/** An ingest (`i`) with its raw payload (`p`). */
export const ingestColumns = `i.id, received_at, content_type, source_url, raw_sha256, p.raw, overrides, status,
  article_id, duplicate_of, warnings, report, parser_version, idempotency_key, idempotency_caller`;
