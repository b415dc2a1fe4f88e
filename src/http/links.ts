import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '../domain/page.js';

/**
 * An absolute URL for a path on this server, as clients reach it (see the public URL plugin: the
 * configured PUBLIC_URL, the trusted proxy's host, or the listening address; never a raw `Host`).
 * Every absolute URL Gazette writes (Link headers, problem types, the index, feeds) goes through here.
 */
export function absoluteUrl(request: FastifyRequest, pathAndQuery: string): string {
  return `${request.server.publicOriginOf(request)}${pathAndQuery}`;
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
