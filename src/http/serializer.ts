import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/** An empty registry: ids are for the OpenAPI document; the serializer wants every schema inline. */
const inlineEverything = z.registry<Record<string, unknown>>();

/**
 * Compiles each route's zod response schema into a fast-json-stringify function once, at start.
 * Responses are then written by generated code instead of being walked by zod on every request.
 */
export const compiledSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const jsonSchema =
    schema instanceof z.ZodType
      ? z.toJSONSchema(schema, {
          target: 'draft-07',
          io: 'output',
          metadata: inlineEverything,
          reused: 'inline',
        })
      : (schema as object);
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
};
