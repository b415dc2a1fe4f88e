import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import FindMyWay from 'find-my-way';
import { DomainError, type FieldError, PreconditionFailed, statusTitles } from '../lib/errors.js';
import { problemType } from './problem-types.js';

export const problemContentType = 'application/problem+json';

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  errors?: FieldError[],
  etag?: string,
) {
  if (status === 401 || status === 403) reply.header('www-authenticate', bearerChallenge(request, status));
  // A failed If-Match says which version is current, so the client can re-read or retry with it.
  if (etag) reply.header('etag', etag);
  return reply
    .code(status)
    .type(problemContentType)
    .send({
      type: problemType(request, status),
      title: statusTitles[status] ?? 'Error',
      status,
      detail,
      instance: request.url.split('?')[0],
      ...(errors ? { errors } : {}),
      ...(etag ? { etag } : {}),
    });
}

/**
 * RFC 6750 §3: a 401 names the scheme and realm, plus `error="invalid_token"` when a key was sent
 * but is not accepted; a 403 says the key lacks the scope.
 */
function bearerChallenge(request: FastifyRequest, status: number): string {
  const realm = 'Bearer realm="gazette"';
  if (status === 403) return `${realm}, error="insufficient_scope"`;
  return request.headers.authorization ? `${realm}, error="invalid_token"` : realm;
}

const contextNames: Record<string, string> = {
  querystring: 'query',
  params: 'path',
  body: 'body',
  headers: 'header',
};

function validationProblem(
  error: FastifyError & {
    validation: {
      instancePath: string;
      message?: string;
      keyword: string;
      params: Record<string, unknown>;
    }[];
  },
) {
  const context = contextNames[error.validationContext ?? ''] ?? error.validationContext ?? 'request';
  const errors: FieldError[] = [];
  for (const issue of error.validation) {
    const keys = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[]) : undefined;
    if (keys) {
      for (const key of keys) errors.push({ path: `${context}.${key}`, message: 'unknown parameter' });
    } else {
      const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      errors.push({ path: path ? `${context}.${path}` : context, message: issue.message ?? issue.keyword });
    }
  }
  const unknown = errors.filter((entry) => entry.message === 'unknown parameter').map((entry) => entry.path);
  const detail = unknown.length
    ? `Unknown ${context} parameter${unknown.length > 1 ? 's' : ''}: ${unknown.map((path) => path.slice(context.length + 1)).join(', ')}.`
    : `Invalid ${context}: ${errors.map((entry) => `${entry.path} ${entry.message}`).join('; ')}.`;
  return { detail, errors };
}

/**
 * Errors the router raises before any route runs (a URL that does not decode, a path segment over
 * the length limit): given to Fastify as `frameworkErrors` so they are problems too.
 */
export function frameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  // These replies skip the app's onSend hooks, which set the request id on every other response.
  reply.header('x-request-id', request.id);
  return sendProblem(request, reply, status, error.message);
}

/**
 * One place turns every failure into application/problem+json: domain errors keep their status,
 * validation errors name each bad input, Fastify's own 4xx keep theirs, and anything else is a 500
 * whose details go to the log, never to the client. Problem types are absolute URLs, hence the
 * public URL plugin first.
 */
export const problemHandling = fp(
  async (app) => {
    app.setErrorHandler(problemOf);
    answerUnknownRoutes(app);
  },
  { name: 'gazette-problems', fastify: '5.x', dependencies: ['gazette-public-url'] },
);

function problemOf(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { status, detail, errors } = describeProblem(error, request);
  const etag = error instanceof PreconditionFailed ? error.currentEtag : undefined;
  return sendProblem(request, reply, status, detail, errors, etag);
}

/**
 * The status and detail a failure is answered with, alone or as one line of a batch. Anything
 * unexpected is a 500 whose details go to the log (`log`, the request's unless given), never to the
 * client.
 */
export function describeProblem(
  error: unknown,
  request: FastifyRequest,
  log: FastifyBaseLogger = request.log,
): { status: number; title: string; detail: string; errors?: FieldError[] } {
  const described = (status: number, detail: string, errors?: FieldError[]) => ({
    status,
    title: statusTitles[status] ?? 'Error',
    detail,
    ...(errors ? { errors } : {}),
  });
  if (error instanceof DomainError) return described(error.status, error.message, error.errors);
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const { detail, errors } = validationProblem(fastifyError);
    return described(400, detail, errors);
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const type = request.headers['content-type'] ?? 'no Content-Type';
    return described(415, `${type} is not accepted here; see /openapi.json for the media types.`);
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return described(status, fastifyError.message);
  log.error({ err: error }, 'request failed');
  return described(500, 'Something went wrong on our side; the request id is in the logs.');
}

/** 404 for paths no route serves, 405 (with Allow) for a path served under other methods. */
function answerUnknownRoutes(app: FastifyInstance) {
  // Every route is known once the app is ready; a 404 whose path exists under another method is a 405.
  const routes = FindMyWay();
  const methodsByRoute = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    // The catch-all `OPTIONS *` route answers CORS preflights; it says nothing about other methods.
    if (route.url === '*') return;
    for (const method of [route.method].flat()) {
      const methods = methodsByRoute.get(route.url) ?? new Set<string>();
      if (methods.size === 0) methodsByRoute.set(route.url, methods);
      methods.add(method);
    }
  });
  app.addHook('onReady', async () => {
    for (const url of methodsByRoute.keys()) routes.on('GET', url, () => {}, { url });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const match = routes.find('GET', path);
    const allowed = match ? methodsByRoute.get((match.store as { url: string }).url) : undefined;
    if (allowed && !allowed.has(request.method)) {
      reply.header('allow', [...allowed].sort().join(', '));
      return sendProblem(
        request,
        reply,
        405,
        `${request.method} is not allowed on ${path}; use ${[...allowed].sort().join(' or ')}.`,
      );
    }
    return sendProblem(
      request,
      reply,
      404,
      `Nothing is served at ${request.method} ${path}. The API is described at /openapi.json.`,
    );
  });
}
