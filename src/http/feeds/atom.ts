import type { Feed, FeedEntry } from './model.js';
import { element, parent, xmlDeclaration } from './xml.js';

export const atomContentType = 'application/atom+xml; charset=utf-8';

function renderEntry(entry: FeedEntry): string {
  return parent('entry', { 'xml:lang': entry.language ?? undefined }, [
    element('id', {}, entry.url),
    element('title', { type: 'text' }, entry.title),
    element('updated', {}, entry.updated),
    ...(entry.published ? [element('published', {}, entry.published)] : []),
    element('link', { rel: 'alternate', type: 'application/json', href: entry.url }),
    ...(entry.sourceUrl
      ? [element('link', { rel: 'related', type: 'text/html', href: entry.sourceUrl })]
      : []),
    ...entry.authors.map((author) =>
      parent('author', {}, [element('name', {}, author.name), element('uri', {}, author.url)]),
    ),
    ...entry.categories.map((category) =>
      element('category', { term: category.term, label: category.label, scheme: category.url }),
    ),
    element('summary', { type: 'text' }, entry.summary),
    element('content', { type: 'html' }, entry.contentHtml),
  ]);
}

/**
 * RFC 4287. Timestamps are already RFC 3339 (UTC ISO 8601). A feed must name an author unless every
 * entry does, so Gazette signs the feed only when some article has no byline.
 */
export function renderAtom(feed: Feed): string {
  const everyEntryHasAuthor = feed.entries.every((entry) => entry.authors.length > 0);
  const root = parent('feed', { xmlns: 'http://www.w3.org/2005/Atom' }, [
    element('id', {}, feed.selfUrl),
    element('title', { type: 'text' }, feed.title),
    element('subtitle', { type: 'text' }, feed.description),
    element('updated', {}, feed.updated),
    element('link', { rel: 'self', type: 'application/atom+xml', href: feed.selfUrl }),
    element('link', { rel: 'alternate', type: 'application/json', href: feed.homeUrl }),
    ...(everyEntryHasAuthor ? [] : [parent('author', {}, [element('name', {}, 'Gazette')])]),
    element('generator', {}, 'Gazette'),
    ...feed.entries.map(renderEntry),
  ]);
  return `${xmlDeclaration}\n${root}\n`;
}
