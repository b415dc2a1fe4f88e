import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

/** An empty registry: ids are for the OpenAPI document; the serializer wants every schema inline. */
const inlineEverything = z.registry<Record<string, unknown>>();

type JsonSchema = Record<string, unknown>;
const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null;

/**
 * zod writes a nullable scalar as `anyOf: [{type: 'string', …}, {type: 'null'}]`, which
 * fast-json-stringify resolves per value by running a validator: slower than JSON.stringify.
 * `type: ['string', 'null']` says the same for serialization and compiles to a plain null check.
 */
function nullableAsTypeList(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableAsTypeList);
  if (!isSchema(schema)) return schema;
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const value = anyOf.find((branch) => !(isSchema(branch) && branch.type === 'null'));
    const isNullable = anyOf.some((branch) => isSchema(branch) && branch.type === 'null');
    if (
      isNullable &&
      isSchema(value) &&
      typeof value.type === 'string' &&
      value.type !== 'object' &&
      value.type !== 'array'
    ) {
      const { anyOf: _, ...rest } = schema;
      return { ...rest, ...value, type: [value.type, 'null'] };
    }
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, nullableAsTypeList(value)]));
}

const serializedAs = new WeakMap<z.ZodType, z.ZodType>();

/**
 * A response documented as `documented` (say, a union of the full and the sparse shape) whose
 * compiled serializer is built from `serialized` alone; replies of the other shape bypass it.
 */
export function documentedAs<T extends z.ZodType>(serialized: z.ZodType, documented: T): T {
  serializedAs.set(documented, serialized);
  return documented;
}

const compiledFor = new WeakMap<object, (data: unknown) => string>();

/** `schema`'s compiled serializer, shared by every route that sends it (every error is a problem). */
function sharedSerializer(schema: unknown): (data: unknown) => string {
  if (!isSchema(schema)) return compileSerializer(schema);
  let compiled = compiledFor.get(schema);
  if (!compiled) {
    compiled = compileSerializer(schema);
    compiledFor.set(schema, compiled);
  }
  return compiled;
}

/**
 * Writes replies of `schema` with a fast-json-stringify function instead of walking them with zod.
 * It is compiled the first time it is used: compiling every route's schemas before listening was
 * most of the start-up time.
 */
export function serializerFor(schema: unknown): (data: unknown) => string {
  let compiled: ((data: unknown) => string) | undefined;
  return (data) => {
    compiled ??= sharedSerializer(schema);
    return compiled(data);
  };
}

export const compiledSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) =>
  serializerFor(schema);

/** The serializer a response schema compiles to: what turns a reply's payload into its bytes. */
function compileSerializer(schema: unknown): (data: unknown) => string {
  const target = schema instanceof z.ZodType ? (serializedAs.get(schema) ?? schema) : schema;
  // A response without a body (204): nothing to write, and JSON Schema cannot say `undefined`.
  if (target instanceof z.ZodUndefined) return () => '';
  const jsonSchema =
    target instanceof z.ZodType
      ? z.toJSONSchema(target, {
          target: 'draft-07',
          io: 'output',
          metadata: inlineEverything,
          reused: 'inline',
        })
      : (target as object);
  return fastJson(nullableAsTypeList(jsonSchema) as Parameters<typeof fastJson>[0]) as (
    data: unknown,
  ) => string;
}
