import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page } from '../services/model.js';

/** Sends a list page, with an RFC 8288 `Link: <…>; rel="next"` header when there is a next page. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>) {
  if (page.page.next_cursor) {
    const url = new URL(request.url, 'http://gazette.invalid');
    url.searchParams.set('cursor', page.page.next_cursor);
    // Relative to the request, so the client's Host never appears; a PUBLIC_URL path prefix does.
    reply.header('link', `<${request.publicPathPrefix}${url.pathname}${url.search}>; rel="next"`);
  }
  return page;
}
