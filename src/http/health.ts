import { z } from 'zod';
import type { DatabaseCheck } from '../domain/ports.js';
import { jsonResponse } from './params.js';
import { routePlugin } from './route-plugin.js';

const Health = z
  .object({ status: z.enum(['ok', 'unavailable']) })
  .meta({ id: 'Health', examples: [{ status: 'ok' }] });
const Readiness = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({
      database: z.boolean(),
      migrations: z.boolean(),
      storage: z.boolean().describe('False while writes fail because the disk is full or failing.'),
    }),
  })
  .meta({
    id: 'Readiness',
    examples: [{ status: 'ok', checks: { database: true, migrations: true, storage: true } }],
  });

export const healthRoutes = routePlugin<{ checkDatabase: () => Promise<DatabaseCheck> }>(
  'gazette-health-routes',
  async (app, { checkDatabase }) => {
    app.get(
      '/healthz',
      {
        logLevel: 'warn',
        schema: {
          operationId: 'getHealth',
          summary: 'Liveness',
          description:
            'Answers as long as the process is up; for orchestrators, never for traffic decisions.',
          tags: ['Operations'],
          response: { 200: jsonResponse('The process is up.', Health) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        logLevel: 'warn',
        schema: {
          operationId: 'getReadiness',
          summary: 'Readiness: the database answers, its migrations are current and it can be written',
          description:
            'For load balancers: a 503 takes the instance out of rotation until every check passes.',
          tags: ['Operations'],
          response: {
            200: jsonResponse('The database answers and its migrations are current.', Readiness),
            503: jsonResponse('A check failed; `checks` says which.', Readiness),
          },
        },
      },
      async (_request, reply) => {
        const { reachable, migrationsCurrent, storage } = await checkDatabase();
        const ready = reachable && migrationsCurrent && storage;
        reply.code(ready ? 200 : 503);
        return {
          status: ready ? ('ok' as const) : ('unavailable' as const),
          checks: { database: reachable, migrations: migrationsCurrent, storage },
        };
      },
    );
  },
);
