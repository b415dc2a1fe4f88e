import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyScope } from '../domain/api-keys.js';
import type { Caller } from '../services/api-keys.js';
import type { Services } from '../services/index.js';

/** The key of an `Authorization: Bearer <key>` header (scheme in any case), or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

const callers = new WeakMap<FastifyRequest, Promise<Caller>>();

/**
 * The caller a request's API key identifies (401 when there is none, or it is unknown), resolved once
 * per request: the rate limiter and the scope check share it.
 */
export function callerOf(services: Services, request: FastifyRequest): Promise<Caller> {
  let caller = callers.get(request);
  if (!caller) {
    caller = services.apiKeys.authenticate(bearerToken(request.headers.authorization));
    callers.set(request, caller);
  }
  return caller;
}

/**
 * An onRequest hook that admits only callers whose API key carries `scope` (or `admin`). It runs
 * before the body is read, so nobody without a key can make Gazette receive a large upload.
 */
export function requireScope(services: Services, scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request) => {
    services.apiKeys.authorize(await callerOf(services, request), scope);
  };
}

export const bearerSecurity = [{ bearerAuth: [] }];
