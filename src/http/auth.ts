import type { onRequestAsyncHookHandler } from 'fastify';
import type { ApiKeyScope } from '../db/schema.js';
import type { Services } from '../services/index.js';

/**
 * An onRequest hook that admits only callers whose API key carries `scope` (or `admin`). It runs
 * before the body is read, so nobody without a key can make Gazette receive a large upload.
 */
export function requireScope(services: Services, scope: ApiKeyScope): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const caller = await services.apiKeys.authenticate(token);
    services.apiKeys.authorize(caller, scope);
  };
}

export const bearerSecurity = [{ bearerAuth: [] }];
