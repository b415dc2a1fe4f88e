import type { preHandlerAsyncHookHandler } from 'fastify';
import type { ApiKeyScope } from '../db/schema.js';
import type { Services } from '../services/index.js';

/** A preHandler that admits only callers whose API key carries `scope` (or `admin`). */
export function requireScope(services: Services, scope: ApiKeyScope): preHandlerAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const caller = await services.apiKeys.authenticate(token);
    services.apiKeys.authorize(caller, scope);
  };
}

export const bearerSecurity = [{ bearerAuth: [] }];
