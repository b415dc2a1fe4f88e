import type { onRequestAsyncHookHandler } from 'fastify';
import { UnsupportedMediaType } from '../lib/errors.js';

/** The media type of a Content-Type header: lowercase, parameters dropped; '' when there is none. */
function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * An onRequest hook that answers 415 unless the body has a media type the route documents. Fastify
 * parses any type it has a parser for, whatever the route says, and each body route reads its own
 * types (a stream, raw bytes or JSON); refusing the others before the body is read means a handler
 * only ever sees what its schema lists.
 */
export const acceptsDocumentedMediaTypes: onRequestAsyncHookHandler = async (request) => {
  const content = (request.routeOptions.schema?.body as { content?: object } | undefined)?.content ?? {};
  const type = mediaTypeOf(request.headers['content-type']);
  if (type in content) return;
  const list = Object.keys(content).join(', ');
  throw new UnsupportedMediaType(
    type
      ? `${type} is not accepted by ${request.method} ${request.routeOptions.url}; send ${list}.`
      : `The request has no Content-Type; send ${list}.`,
  );
};
