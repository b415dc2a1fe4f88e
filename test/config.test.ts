import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('defaults follow the spec', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.same(config.database, { engine: 'sqlite', path: './data/gazette.db' });
  t.equal(config.logLevel, 'info');
  t.equal(config.seedOnEmpty, true);
  t.same(config.apiKeys, []);
  t.equal(config.bodyLimitBytes, 5 * 1024 * 1024);
  t.equal(config.trustProxy, false);
  t.same(config.corsOrigins, []);
});

t.test('CORS_ORIGINS: a comma-separated list of origins, or *', async (t) => {
  t.same(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/' }).corsOrigins, [
    'https://app.example.com',
    'http://localhost:5173',
  ]);
  t.same(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, ['*']);
  t.throws(() => loadConfig({ CORS_ORIGINS: 'app.example.com/path' }), {
    constructor: ConfigError,
    message: /^invalid CORS_ORIGINS=.*scheme and host/,
  });
});

t.test('values are read and converted', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: 'file:/var/lib/gazette/db.sqlite',
    SEED_ON_EMPTY: 'false',
    API_KEYS: 'first-key-0123456789, second-key-0123456789',
    BODY_LIMIT_BYTES: '2048',
    TRUST_PROXY: 'true',
  });
  t.equal(config.port, 8080);
  t.same(config.database, { engine: 'sqlite', path: '/var/lib/gazette/db.sqlite' });
  t.equal(config.seedOnEmpty, false);
  t.same(config.apiKeys, ['first-key-0123456789', 'second-key-0123456789']);
  t.equal(config.bodyLimitBytes, 2048);
  t.equal(config.trustProxy, true);
});

t.test(
  'a postgres:// or postgresql:// DATABASE_URL selects PostgreSQL, with its pool and timeout',
  async (t) => {
    t.same(loadConfig({ DATABASE_URL: 'postgres://gazette:secret@db.internal:5432/gazette' }).database, {
      engine: 'postgres',
      url: 'postgres://gazette:secret@db.internal:5432/gazette',
      poolMax: 10,
      statementTimeoutMs: 30_000,
    });
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u@h/db',
      DATABASE_POOL_MAX: '4',
      DATABASE_STATEMENT_TIMEOUT_MS: '5000',
    });
    t.same(config.database, {
      engine: 'postgres',
      url: 'postgresql://u@h/db',
      poolMax: 4,
      statementTimeoutMs: 5000,
    });
  },
);

for (const [variable, value, pattern] of [
  ['PORT', 'abc', /^invalid PORT="abc": /],
  ['PORT', '70000', /^invalid PORT="70000": /],
  ['DATABASE_URL', 'mysql://x', /^invalid DATABASE_URL=.*file:/],
  ['DATABASE_URL', 'postgres://', /^invalid DATABASE_URL=.*postgres:\/\/user@host/],
  ['DATABASE_URL', 'postgresql:db', /^invalid DATABASE_URL=.*file:/],
  ['DATABASE_POOL_MAX', '0', /^invalid DATABASE_POOL_MAX="0"/],
  ['DATABASE_STATEMENT_TIMEOUT_MS', '-1', /^invalid DATABASE_STATEMENT_TIMEOUT_MS="-1"/],
  ['LOG_LEVEL', 'loud', /^invalid LOG_LEVEL="loud"/],
  ['SEED_ON_EMPTY', 'maybe', /^invalid SEED_ON_EMPTY="maybe"/],
  ['API_KEYS', 'short', /^invalid API_KEYS=.*at least 16 characters/],
  ['BODY_LIMIT_BYTES', '-5', /^invalid BODY_LIMIT_BYTES="-5"/],
] as const) {
  t.test(`${variable}=${value} is rejected with a message naming the variable`, async (t) => {
    t.throws(() => loadConfig({ [variable]: value }), { constructor: ConfigError, message: pattern });
  });
}
