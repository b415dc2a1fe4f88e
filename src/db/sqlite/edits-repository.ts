import type { EditableArticle } from '../../domain/edits.js';
import type { EditsRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { createArticleEditing } from './article-editing.js';
import { type ArticleSummaryRow, articleSummaryColumns, toArticleSummary } from './article-summary.js';
import { createCollectionEditing } from './collection-editing.js';
import type { Db } from './connection.js';
import { createEventLog } from './events.js';
import { createTagMerge } from './tag-merge.js';

export function createEditsRepository(db: Db): EditsRepository {
  const sqlite = db.$client;
  const events = createEventLog(sqlite);
  const idOfSlug = sqlite
    .prepare(`SELECT coalesce((SELECT id FROM articles WHERE slug = @slug),
      (SELECT article_id FROM article_slugs WHERE slug = @slug))`)
    .pluck();
  const editable = sqlite.prepare(
    `SELECT ${articleSummaryColumns}, a.body_text, a.body_html, a.simhash FROM articles a WHERE a.id = ?`,
  );

  return {
    ...createArticleEditing(sqlite, events),
    ...createCollectionEditing(sqlite, events),
    ...createTagMerge(sqlite, events),
    async findEditableArticle(idOrSlug: string): Promise<EditableArticle | undefined> {
      const id = isNumericId(idOrSlug) ? Number(idOrSlug) : idOfSlug.get({ slug: idOrSlug });
      const row = (id === null ? undefined : editable.get(id)) as
        | (ArticleSummaryRow & { body_text: string; body_html: string; simhash: string })
        | undefined;
      return row && toArticleSummary(row);
    },
  };
}
