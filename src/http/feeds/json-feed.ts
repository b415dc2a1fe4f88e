import { z } from 'zod';
import type { Feed } from './model.js';

export const jsonFeedContentType = 'application/feed+json; charset=utf-8';

const JsonFeedAuthor = z.object({ name: z.string(), url: z.string() });

const JsonFeedItem = z.object({
  id: z.string().describe('The article URL in the API; stable.'),
  url: z.string(),
  external_url: z.string().optional().describe('Where the article was first published.'),
  title: z.string(),
  summary: z.string(),
  content_html: z.string(),
  content_text: z.string(),
  date_published: z.iso.datetime().optional().describe('Absent when the source did not say.'),
  date_modified: z.iso.datetime(),
  authors: z.array(JsonFeedAuthor),
  tags: z.array(z.string()).describe('Tag names.'),
  language: z.string().optional(),
});

export const JsonFeed = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    home_page_url: z.string(),
    feed_url: z.string(),
    description: z.string(),
    items: z.array(JsonFeedItem),
  })
  .meta({
    id: 'JsonFeed',
    description: 'A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).',
    examples: [
      {
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Gazette: latest articles tagged transport',
        home_page_url: 'https://gazette.example.com/v1/articles?tag=transport',
        feed_url: 'https://gazette.example.com/v1/feeds/articles.json?tag=transport',
        description: 'The newest articles in Gazette tagged transport.',
        items: [
          {
            id: 'https://gazette.example.com/v1/articles/ferry-company-orders-two-hybrid-vessels-for-the-island-routes',
            url: 'https://gazette.example.com/v1/articles/ferry-company-orders-two-hybrid-vessels-for-the-island-routes',
            external_url: 'https://news.example.com/2026/03/14/ferries',
            title: 'Ferry company orders two hybrid vessels for the island routes',
            summary: 'The council approved the purchase of six battery ferries on Tuesday…',
            content_html: '<p>The council approved the purchase…</p>',
            content_text: 'The council approved the purchase…',
            date_published: '2026-03-14T09:30:00.000Z',
            date_modified: '2026-03-14T10:02:11.512Z',
            authors: [{ name: 'Ines Brackley', url: 'https://gazette.example.com/v1/authors/ines-brackley' }],
            tags: ['transport'],
            language: 'en',
          },
        ],
      },
    ],
  });

export type JsonFeed = z.output<typeof JsonFeed>;

export function renderJsonFeed(feed: Feed): JsonFeed {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrl,
    description: feed.description,
    items: feed.entries.map((entry) => ({
      id: entry.url,
      url: entry.url,
      external_url: entry.sourceUrl ?? undefined,
      title: entry.title,
      summary: entry.summary,
      content_html: entry.contentHtml,
      content_text: entry.contentText,
      date_published: entry.published ?? undefined,
      date_modified: entry.updated,
      authors: entry.authors,
      tags: entry.categories.map((category) => category.label),
      language: entry.language ?? undefined,
    })),
  };
}
