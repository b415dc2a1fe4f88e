import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '../services/model.js';

/**
 * The origin clients reach Gazette at, e.g. `https://news.example.com`: the request's scheme and
 * Host, which Fastify takes from `X-Forwarded-Proto` and `X-Forwarded-Host` when TRUST_PROXY is on.
 * Every absolute URL Gazette writes (Link headers, problem types, the index) goes through here, so
 * a configured public URL, when there is one, needs changing in this one place.
 */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** An absolute URL for a path on this server, as the client addressed it (the path alone without a Host). */
export function absoluteUrl(request: FastifyRequest, pathAndQuery: string): string {
  if (!request.host) return pathAndQuery;
  return new URL(pathAndQuery, `${requestOrigin(request)}/`).href;
}

/** Sends a list page, with an RFC 8288 `Link: <…>; rel="next"` header when there is a next page. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>) {
  if (page.page.next_cursor) {
    const url = new URL(request.url, 'http://gazette.invalid');
    url.searchParams.set('cursor', page.page.next_cursor);
    reply.header('link', `<${absoluteUrl(request, `${url.pathname}${url.search}`)}>; rel="next"`);
  }
  return page;
}
