import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** `fields=a,b,c`: a comma-separated subset of `allowed`; anything else is a 400 naming it. */
export function fieldsParam(allowed: readonly string[], description: string, example: string) {
  const known = new Set(allowed);
  return z
    .string()
    .max(1000)
    .meta({ examples: [example] })
    .transform((value, context) => {
      const fields = value
        .split(',')
        .map((field) => field.trim())
        .filter((field) => field.length > 0);
      const unknown = fields.filter((field) => !known.has(field));
      if (unknown.length > 0 || fields.length === 0) {
        context.addIssue({
          code: 'custom',
          message: unknown.length
            ? `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${allowed.join(', ')}`
            : 'name at least one field',
        });
        return z.NEVER;
      }
      return fields;
    })
    .optional()
    .meta({ description, examples: [example] });
}

export function pickFields<T extends object>(item: T, fields: readonly string[]): Partial<T> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (field in item) picked[field] = (item as Record<string, unknown>)[field];
  }
  return picked as Partial<T>;
}

/**
 * A sparse item lacks fields the compiled serializer requires, so such replies are written with
 * JSON.stringify instead; the objects are our own, built from typed data.
 */
export function sendSparse(reply: FastifyReply, payload: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(payload);
}
