import { z } from 'zod';
import { ServiceUnavailable } from '../lib/errors.js';
import { changesRetryAfterSeconds } from '../services/changes.js';
import { sendPage } from './links.js';
import { cursorParam, jsonResponse, limitParam, problemResponses } from './params.js';
import { problemContentType } from './problems.js';
import { routePlugin } from './route-plugin.js';
import { ChangePage, Problem } from './schemas.js';
import { documentedAs } from './serializer.js';

const listQuery = z.strictObject({
  limit: limitParam,
  cursor: cursorParam('WzBd'),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(30)
    .default(0)
    .meta({
      description:
        'Seconds (0–30) to hold the request when there is no event after the cursor yet: the ' +
        'response comes as soon as one lands, or with an empty page when the time is up.',
      examples: [5],
    }),
});

// Events are written once and carried as stored: plain JSON for each event's data, rather than the
// union of four shapes, which the compiled serializer would resolve by validating every event.
const ChangePageAsStored = ChangePage.extend({
  data: z.array(ChangePage.shape.data.element.extend({ data: z.unknown() })),
});

export const changeRoutes = routePlugin('gazette-change-routes', async (app) => {
  const { changes } = app.services;
  // A held request ends as the server starts closing, not up to 30 s later.
  app.addHook('preClose', (done) => {
    changes.close();
    done();
  });

  app.get(
    '/v1/changes',
    {
      schema: {
        operationId: 'listChanges',
        summary: 'Follow changes',
        description:
          'Created, updated and deleted articles, authors and tags, in one strictly increasing ' +
          'sequence. Start without a cursor and keep passing `page.next_cursor` (there is one on ' +
          'every page, even an empty one). Each resource keeps only its latest event, so replaying ' +
          'from the start rebuilds what the API serves, and a deletion stays as a tombstone. With ' +
          '`wait`, an empty page is held until an event lands; when the server already holds as many waiting ' +
          'requests as it allows, it answers 503 with `Retry-After` at once.',
        tags: ['Changes'],
        querystring: listQuery,
        response: {
          200: jsonResponse(
            'A page of events; `Cache-Control: no-cache`: a cache must ask again every time.',
            documentedAs(ChangePageAsStored, ChangePage),
          ),
          ...problemResponses(400),
          409: jsonResponse(
            'The cursor is past the newest event (a database restored from an older backup, or a ' +
              'cursor from another server): replay from the start.',
            Problem,
            problemContentType,
          ),
          503: jsonResponse(
            'With `wait`: the server already holds as many waiting requests as it allows ' +
              '(`CHANGES_MAX_WAITING`); retry after `Retry-After` seconds.',
            Problem,
            problemContentType,
          ),
        },
      },
      config: { cache: 'feed' },
    },
    async (request, reply) => {
      // The client going away ends its wait.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const { limit, cursor, wait } = request.query;
      const page = await changes
        .listChanges({ limit, cursor, waitSeconds: wait, signal: gone.signal })
        .catch((error: unknown) => {
          if (error instanceof ServiceUnavailable)
            reply.header('retry-after', String(changesRetryAfterSeconds));
          throw error;
        });
      return sendPage(request, reply, page);
    },
  );
});
