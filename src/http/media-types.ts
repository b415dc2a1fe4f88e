import type { onRequestAsyncHookHandler } from 'fastify';
import { UnsupportedMediaType } from '../lib/errors.js';

/** The media type of a Content-Type header: lowercase, parameters dropped; '' when there is none. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * An onRequest hook that answers 415 unless the body is one of `accepted`: each body route reads
 * its own media types (a stream, raw bytes or JSON), and any other one would reach it unparsed.
 */
export function requireMediaType(...accepted: string[]): onRequestAsyncHookHandler {
  const list = accepted.join(', ');
  return async (request) => {
    const type = mediaTypeOf(request.headers['content-type']);
    if (accepted.includes(type)) return;
    throw new UnsupportedMediaType(
      type
        ? `${type} is not accepted by ${request.method} ${request.routeOptions.url}; send ${list}.`
        : `The request has no Content-Type; send ${list}.`,
    );
  };
}
