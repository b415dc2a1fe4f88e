import type { Article, ArticleDraft, ArticleView } from '../domain/article.js';
import type { ArticlePatch, EditableArticle } from '../domain/edits.js';
import type { AuthorsRepository, Repositories, TagsRepository } from '../domain/ports.js';
import { storableDraft } from '../domain/storable.js';
import { contentHashOf } from '../ingest/body-fields.js';
import { slugify } from '../ingest/slug.js';
import { Unprocessable } from '../lib/errors.js';
import { nameKey } from '../lib/names.js';
import { missingArticle } from './missing-article.js';

/** Throws when the caller's precondition (an `If-Match`) does not hold for the resource as it is now. */
export type WritePrecondition<T> = (current: T) => void;

// The body rules render HTML with the parser's sanitizer and read HTML with its DOM library: loaded
// with the first edit of a body, so a server that never edits one never holds them.
type EditedBody = typeof import('../ingest/edited-body.js');
let editedBodyModule: Promise<EditedBody> | undefined;
const editedBody = () => {
  editedBodyModule ??= import('../ingest/edited-body.js');
  return editedBodyModule;
};

/** A slug as written in a path: lower-case words joined by hyphens, not all digits (that is an id). */
const looksLikeSlug = (value: string) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value) && !/^[0-9-]+$/.test(value);

/** The byline as the patch names it: existing authors by slug or name, new ones by name. */
async function resolveAuthors(authors: AuthorsRepository, given: string[]): Promise<ArticleDraft['authors']> {
  const result: ArticleDraft['authors'] = [];
  const seen = new Set<string>();
  for (const [index, value] of given.entries()) {
    const known = looksLikeSlug(value) ? await authors.findAuthor(value) : undefined;
    const name = known?.name ?? value;
    const key = nameKey(name);
    if (key === '') {
      throw new Unprocessable(`Author ${JSON.stringify(value)} has no letter or digit in it.`, [
        { path: `body.authors.${index}`, message: 'must contain a letter or a digit' },
      ]);
    }
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ name, key, slug: known?.slug ?? slugify(name, 'author'), bio: null });
  }
  return result;
}

/** The tags the patch names, by slug or name: a known tag (or one merged into another) is that tag. */
async function resolveTags(tags: TagsRepository, given: string[]): Promise<{ name: string; slug: string }[]> {
  const result: { name: string; slug: string }[] = [];
  const seen = new Set<string>();
  for (const value of given) {
    const known = await tags.findTag(slugify(value, 'tag'));
    const tag = known ?? { name: value, slug: slugify(value, 'tag') };
    if (seen.has(tag.slug)) continue;
    seen.add(tag.slug);
    result.push({ name: tag.name, slug: tag.slug });
  }
  return result;
}

/** Explicit tags first, then those the article already carried as derived, each list in the given order. */
function orderedTags(current: Article, given: { name: string; slug: string }[]): ArticleDraft['tags'] {
  const derived = new Set(current.tags.filter((tag) => tag.derived).map((tag) => tag.slug));
  const tags = given.map((tag) => ({ ...tag, derived: derived.has(tag.slug) }));
  return [...tags.filter((tag) => !tag.derived), ...tags.filter((tag) => tag.derived)];
}

/** What the patch resolves to before any version of the article is read. */
interface ResolvedPatch {
  patch: ArticlePatch;
  authors?: ArticleDraft['authors'] | undefined;
  tags?: { name: string; slug: string }[] | undefined;
  body?: EditedBody | undefined;
}

/** The body fields: derived again from a new body, else kept, with the excerpt as the patch says. */
function bodyOf(current: EditableArticle, title: string, { patch, body }: ResolvedPatch) {
  const kept = {
    bodyText: current.body_text,
    bodyHtml: current.body_html,
    excerpt: current.excerpt,
    wordCount: current.word_count,
    readingTimeMinutes: current.reading_time_minutes,
    simhash: current.simhash,
    // Kept as stored: an ingested title may have been cleaned after it was hashed.
    contentHash: current.content_hash,
  };
  const source = patch.body_text ?? patch.body_html;
  let fields = kept;
  if (body && source !== undefined) {
    const items = patch.body_text !== undefined ? body.bodyFromText(source) : body.bodyFromHtml(source);
    const field = patch.body_text !== undefined ? 'body_text' : 'body_html';
    if (items.length === 0) {
      throw new Unprocessable(`The new ${field} has no text in it.`, [
        { path: `body.${field}`, message: 'has no text' },
      ]);
    }
    fields = body.bodyFields(title, items);
  }
  if (typeof patch.excerpt === 'string') return { ...fields, excerpt: patch.excerpt };
  if (patch.excerpt === null && body) return { ...fields, excerpt: body.excerptOf(fields.bodyText) };
  return fields;
}

/** The article as the patch leaves it, under the same storage rules as an ingested one. */
function editedDraft(current: EditableArticle, resolved: ResolvedPatch): ArticleDraft {
  const { patch } = resolved;
  const stated = <K extends keyof ArticlePatch, V>(key: K, keep: V) =>
    patch[key] === undefined ? keep : (patch[key] as NonNullable<ArticlePatch[K]> | null);
  const checked = storableDraft(
    {
      slug: current.slug,
      title: patch.title ?? current.title,
      subtitle: stated('subtitle', current.subtitle),
      ...bodyOf(current, patch.title ?? current.title, resolved),
      images: stated('images', current.images) ?? [],
      language: stated('language', current.language),
      publishedAt: stated('published_at', current.published_at),
      sourceUrl: current.source_url,
      authors:
        resolved.authors ??
        current.authors.map((author) => ({ ...author, key: nameKey(author.name), bio: null })),
      tags: resolved.tags ? orderedTags(current, resolved.tags) : current.tags,
    },
    [],
    { statedPublishedAt: Boolean(patch.published_at) },
  ).draft;
  if (patch.title === undefined || checked.title === current.title) return checked;
  return {
    ...checked,
    slug: slugify(checked.title),
    contentHash: contentHashOf(checked.title, checked.bodyText),
  };
}

/** Editing articles: a JSON merge patch applied to the stored article, derived again where it must be. */
export function createArticleEditingService(repositories: Repositories) {
  const { articles, authors, tags, edits } = repositories;
  return {
    /**
     * Applies the patch to the article by id or slug and returns it as served. The precondition is
     * checked on the article as read, and the write happens only if that version is still the
     * stored one; if it changed in between, the patch is applied again to the new version.
     */
    async editArticle(
      idOrSlug: string,
      patch: ArticlePatch,
      precondition?: WritePrecondition<ArticleView>,
    ): Promise<ArticleView> {
      const resolved: ResolvedPatch = {
        patch,
        authors: patch.authors === undefined ? undefined : await resolveAuthors(authors, patch.authors ?? []),
        tags: patch.tags === undefined ? undefined : await resolveTags(tags, patch.tags ?? []),
        body:
          patch.body_text !== undefined || patch.body_html !== undefined || patch.excerpt === null
            ? await editedBody()
            : undefined,
      };
      for (;;) {
        const current = await edits.findEditableArticle(idOrSlug);
        if (!current) throw await missingArticle(articles, idOrSlug);
        const { body_text: _text, simhash: _simhash, ...view } = current;
        precondition?.(view);
        const draft = editedDraft(current, resolved);
        if (await edits.updateArticle(current.id, current.updated_at, draft, new Date().toISOString())) {
          return (await articles.findArticleView(String(current.id), false))!;
        }
      }
    },
  };
}
