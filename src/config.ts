import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** postgres:// or postgresql:// with a host: what `pg` connects to. */
function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value) && URL.canParse(value) && new URL(value).hostname !== '';
}

/** The environment Gazette reads, each variable with its default (SPEC §6). */
const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine(
      (value) => /^file:.+/.test(value) || isPostgresUrl(value),
      'must look like file:./data/gazette.db, file::memory: or postgres://user@host:5432/gazette',
    )
    .default('file:./data/gazette.db'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  LOG_LEVEL: logLevel.default('info'),
  SEED_ON_EMPTY: booleanFlag.default(true),
  API_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    )
    .refine((keys) => keys.every((key) => key.length >= 16), 'each key must be at least 16 characters'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(0),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PARSE_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  // Below about 128 MB a worker cannot hold the parser's language models at all.
  PARSE_MEMORY_MB: z.coerce.number().int().min(128).default(512),
  TRUST_PROXY: booleanFlag.default(false),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim().replace(/\/+$/, ''))
        .filter((origin) => origin.length > 0),
    )
    .refine(
      (origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/?#\s]+$/.test(origin)),
      'each origin must look like https://app.example.com (scheme and host, no path), or be *',
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return !url.search && !url.hash && !url.username && !url.password;
    }, 'must be an http(s) URL without query, fragment or credentials, e.g. https://news.example.com')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  RESPONSE_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(32),
  SEARCH_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  SEARCH_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2000),
  SEARCH_SAMPLE_SIZE: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  CHANGES_MAX_WAITING: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(16),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(10_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  WEBHOOK_GIVE_UP_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 3_600_000),
});

/** How webhooks are delivered (see services/webhook-dispatcher.ts). */
interface WebhookConfig {
  /** Lets subscriptions use http and private, loopback or link-local addresses (local receivers, tests). */
  allowPrivate: boolean;
  /** Longest one delivery may take. */
  timeoutMs: number;
  /** Deliveries under way at once in one process. */
  maxInFlight: number;
  /** How often the queue is looked at. */
  pollMs: number;
  /** Retries wait a random time up to base × 2^failures, capped at the max. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a subscription may keep failing before it is disabled (24 h). */
  giveUpMs: number;
}

/** Which engine stores the data, and where: chosen by the scheme of DATABASE_URL. */
export type DatabaseConfig =
  | {
      engine: 'sqlite';
      /** Path of the SQLite file, or `:memory:`. */
      path: string;
    }
  | {
      engine: 'postgres';
      /** postgres://user:password@host:port/database */
      url: string;
      /** Connections the pool may open; requests beyond it wait for one. */
      poolMax: number;
      /** Longest one statement may run before the server cancels it; 0 means no limit. */
      statementTimeoutMs: number;
    };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: z.infer<typeof logLevel>;
  seedOnEmpty: boolean;
  apiKeys: string[];
  bodyLimitBytes: number;
  /** Requests per minute per client; 0 turns rate limiting off. */
  rateLimitPerMinute: number;
  trustProxy: boolean;
  /** Processes `serve` runs on the port (node cluster); 1 serves from this process alone. */
  workers: number;
  /**
   * Browser origins that may call every operation, writes included (`*` for any). Public reads are
   * open to every origin whatever this holds.
   */
  corsOrigins: string[];
  /** Where clients reach Gazette (`https://host[/prefix]`, no trailing slash); feed and link URLs use it. */
  publicUrl: string | undefined;
  /** Parser worker threads; undefined means one per CPU. */
  parseThreads: number | undefined;
  /** Longest one document may take to parse before it is refused with 422. */
  parseTimeoutMs: number;
  /** Heap each parser worker may use; a document needing more is refused with 422. */
  parseMemoryMb: number;
  /** Memory for public article responses kept until the database changes; 0 keeps none. */
  responseCacheBytes: number;
  /** Worker threads for search, facets and related articles; unset sizes the pool from the CPU count. */
  searchWorkers: number | undefined;
  /** How long a search may take, queueing included, before it answers 503. */
  searchTimeoutMs: number;
  /** How many of its newest matches a search ranks and counts; past it, totals and facets are estimates. */
  searchSampleSize: number;
  /** Long-poll requests `/v1/changes` may hold at once; past it, a wait answers 503 with Retry-After. */
  changesMaxWaiting: number;
  webhooks: WebhookConfig;
}

export class ConfigError extends Error {}

/** Reads the configuration once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0]);
    throw new ConfigError(`invalid ${variable}=${JSON.stringify(environment[variable])}: ${issue.message}`);
  }
  const env = result.data;
  return {
    port: env.PORT,
    host: env.HOST,
    database: /^file:/.test(env.DATABASE_URL)
      ? { engine: 'sqlite', path: env.DATABASE_URL.slice('file:'.length) }
      : {
          engine: 'postgres',
          url: env.DATABASE_URL,
          poolMax: env.DATABASE_POOL_MAX,
          statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
        },
    logLevel: env.LOG_LEVEL,
    seedOnEmpty: env.SEED_ON_EMPTY,
    apiKeys: env.API_KEYS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    trustProxy: env.TRUST_PROXY,
    workers: env.WORKERS,
    corsOrigins: env.CORS_ORIGINS,
    publicUrl: env.PUBLIC_URL,
    parseThreads: env.PARSE_THREADS,
    parseTimeoutMs: env.PARSE_TIMEOUT_MS,
    parseMemoryMb: env.PARSE_MEMORY_MB,
    responseCacheBytes: env.RESPONSE_CACHE_MB * 1024 * 1024,
    searchWorkers: env.SEARCH_WORKERS,
    searchTimeoutMs: env.SEARCH_TIMEOUT_MS,
    searchSampleSize: env.SEARCH_SAMPLE_SIZE,
    changesMaxWaiting: env.CHANGES_MAX_WAITING,
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxInFlight: env.WEBHOOK_MAX_IN_FLIGHT,
      pollMs: env.WEBHOOK_POLL_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
      giveUpMs: env.WEBHOOK_GIVE_UP_MS,
    },
  };
}
