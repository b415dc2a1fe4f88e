import type { Feed, FeedEntry } from './model.js';
import { element, parent, xmlDeclaration } from './xml.js';

export const rssContentType = 'application/rss+xml; charset=utf-8';

/** RFC 822 dates as RSS 2.0 wants them (with a four-digit year, as RFC 1123 and every reader accept). */
const rfc822 = (iso: string) => new Date(iso).toUTCString();

function renderItem(entry: FeedEntry): string {
  return parent('item', {}, [
    element('title', {}, entry.title),
    element('link', {}, entry.url),
    element('guid', { isPermaLink: 'true' }, entry.url),
    // RSS has no "unknown date"; an undated article is dated by when Gazette last changed it.
    element('pubDate', {}, rfc822(entry.published ?? entry.updated)),
    element('description', {}, entry.summary),
    // <author> must be an e-mail address in RSS 2.0; Dublin Core's creator carries a plain name.
    ...entry.authors.map((author) => element('dc:creator', {}, author.name)),
    ...entry.categories.map((category) => element('category', { domain: category.url }, category.label)),
    element('content:encoded', {}, entry.contentHtml),
  ]);
}

/** RSS 2.0 (rssboard.org), with the atom:link self reference and content:encoded readers expect. */
export function renderRss(feed: Feed): string {
  const channel = parent('channel', {}, [
    element('title', {}, feed.title),
    element('link', {}, feed.homeUrl),
    element('description', {}, feed.description),
    element('atom:link', { href: feed.selfUrl, rel: 'self', type: 'application/rss+xml' }),
    element('lastBuildDate', {}, rfc822(feed.updated)),
    element('generator', {}, 'Gazette'),
    element('docs', {}, 'https://www.rssboard.org/rss-specification'),
    ...feed.entries.map(renderItem),
  ]);
  const root = parent(
    'rss',
    {
      version: '2.0',
      'xmlns:atom': 'http://www.w3.org/2005/Atom',
      'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
      'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
    },
    [channel],
  );
  return `${xmlDeclaration}\n${root}\n`;
}
