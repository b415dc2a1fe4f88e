import type { RawArticle } from '../ingest/types.js';

/**
 * What a parser worker parses at start-up. It must be a whole article (byline, date, 25+ words of
 * body): a shorter text is refused before the language models load, and would warm nothing.
 */
export const warmUpArticle: RawArticle = {
  body: [
    'Harbour council orders battery ferries',
    'By Worker Warmup',
    'March 3, 2026',
    'The harbour council approved six new battery ferries on Tuesday evening, after a long debate about charging points, crew training and the timetable for the island routes.',
    'Ferry crews said the new vessels would cut noise on the crossings, and residents asked the council to keep fares at their current level while the ferries are built.',
  ].join('\n\n'),
  contentType: 'text/plain',
};
