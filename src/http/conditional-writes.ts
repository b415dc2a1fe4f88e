import { z } from 'zod';
import { BadRequest, PreconditionFailed } from '../lib/errors.js';
import { entityTag, ifMatchAllows } from './caching.js';
import type { RoutesApp } from './route-plugin.js';
import { serializerFor } from './serializer.js';

/** The `If-Match` request header of a write to the resource `GET path` serves. */
export function ifMatchHeaders(path: string, action: string) {
  return z.object({
    'if-match': z
      .string()
      .max(1000)
      .optional()
      .meta({
        description:
          `${action} only if the resource is still this version: the \`ETag\` of \`GET ${path}\` (the tag ` +
          'of a compressed response, `"…-gzip"`, names the same version), or `*` for any version. A stale ' +
          'tag is a 412 whose `etag` is the current (uncompressed) one. Without the header the write goes ' +
          'ahead whatever the version.',
        examples: ['*'],
      }),
  });
}

/** The strong ETag `GET` sends for a resource serialized with `schema`: the hash of the same bytes. */
export function resourceEntityTag<T>(schema: z.ZodType): (resource: T) => string {
  const serialize = serializerFor(schema);
  return (resource) => entityTag(Buffer.from(serialize(resource)));
}

/** The precondition an `If-Match` header sets on a write, or none without the header. */
export function ifMatchPrecondition<T>(
  ifMatch: string | undefined,
  tagOf: (resource: T) => string,
  what: string,
): ((current: T) => void) | undefined {
  if (ifMatch === undefined) return undefined;
  return (current) => {
    const etag = tagOf(current);
    if (!ifMatchAllows(ifMatch, etag)) {
      throw new PreconditionFailed(
        `The ${what} changed since that version was read; its current ETag is ${etag}.`,
        etag,
      );
    }
  };
}

export const mergePatchType = 'application/merge-patch+json';

/** Reads JSON merge patches (RFC 7396): a JSON object, with a problem that says why when it is not. */
export function acceptMergePatches(app: RoutesApp): void {
  app.addContentTypeParser(mergePatchType, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch (error) {
      done(new BadRequest(`The body is not valid JSON: ${(error as Error).message}.`), undefined);
    }
  });
}
