import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/** An empty registry: ids are for the OpenAPI document; the serializer wants every schema inline. */
const inlineEverything = z.registry<Record<string, unknown>>();

const serializedAs = new WeakMap<z.ZodType, z.ZodType>();

/**
 * A response documented as `documented` (say, a union of the full and the sparse shape) whose
 * compiled serializer is built from `serialized` alone; replies of the other shape bypass it.
 */
export function documentedAs<T extends z.ZodType>(serialized: z.ZodType, documented: T): T {
  serializedAs.set(documented, serialized);
  return documented;
}

/**
 * Compiles each route's zod response schema into a fast-json-stringify function once, at start.
 * Responses are then written by generated code instead of being walked by zod on every request.
 */
export const compiledSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const target = schema instanceof z.ZodType ? (serializedAs.get(schema) ?? schema) : schema;
  const jsonSchema =
    target instanceof z.ZodType
      ? z.toJSONSchema(target, {
          target: 'draft-07',
          io: 'output',
          metadata: inlineEverything,
          reused: 'inline',
        })
      : (target as object);
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
};
