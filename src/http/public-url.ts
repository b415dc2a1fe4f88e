import type { AddressInfo } from 'node:net';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The origin of absolute URLs for this request (router-level errors have no request decorators). */
    publicOriginOf(request: FastifyRequest): string;
  }
  interface FastifyRequest {
    /** Origin (and path prefix) of absolute URLs in responses, e.g. `https://news.example.com`. */
    publicOrigin: string;
  }
}

/** A host name or IP literal with an optional port, and nothing else. */
const plainHost =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Where absolute URLs point: `PUBLIC_URL` when configured; otherwise, behind a trusted proxy, the
 * host and protocol the proxy forwarded (when they are a plain host name); otherwise the address
 * Gazette listens on. A client's own `Host` header is never echoed: it would let anyone write their
 * host into publicly cached feeds.
 */
export const publicUrl = fp<{ config: Config }>(
  async (app, { config }) => {
    // Known for good once the server listens; asking the socket on every request costs a syscall.
    let listening: string | undefined;
    function listeningOrigin(): string {
      if (listening) return listening;
      const address = app.server.address() as AddressInfo | string | null;
      const bound = address !== null && typeof address === 'object';
      const wildcard = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
      const host = wildcard ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
      const origin = `http://${host}:${bound ? address.port : config.port}`;
      if (bound) listening = origin;
      return origin;
    }

    function originOf(request: FastifyRequest): string {
      if (config.publicUrl) return config.publicUrl;
      if (config.trustProxy && plainHost.test(request.host)) {
        const protocol = request.protocol === 'https' ? 'https' : 'http';
        return `${protocol}://${request.host.toLowerCase()}`;
      }
      return listeningOrigin();
    }

    app.decorate('publicOriginOf', originOf);
    app.decorateRequest('publicOrigin', {
      getter(this: FastifyRequest) {
        return originOf(this);
      },
    });
  },
  { name: 'gazette-public-url', fastify: '5.x' },
);
