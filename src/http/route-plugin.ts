import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/**
 * What every route module relies on, registered before it: its services, the error handler, the
 * document that collects routes as they are added, and the caching and rate-limit hooks that are
 * attached to each route as it is declared.
 */
const routeDependencies = [
  'gazette-services',
  'gazette-problems',
  'gazette-openapi',
  'gazette-caching',
  'gazette-rate-limit',
];

/** A module of routes as an encapsulated plugin that Fastify registers only after what routes need. */
export function routePlugin<Options extends Record<string, unknown> = Record<never, never>>(
  name: string,
  routes: FastifyPluginAsyncZod<Options>,
  dependencies: string[] = [],
) {
  return fp(routes, {
    name,
    fastify: '5.x',
    encapsulate: true,
    dependencies: [...routeDependencies, ...dependencies],
  });
}

/** The app as a route module sees it: schemas typed through zod. */
export type RoutesApp = Parameters<FastifyPluginAsyncZod>[0];
