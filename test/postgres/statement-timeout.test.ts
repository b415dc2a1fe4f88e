import pg from 'pg';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { checkedAgainstDocument, testApiKey, testParser } from '../support/app.js';
import { postgresTest } from '../support/postgres.js';

postgresTest(t, 'a statement past DATABASE_STATEMENT_TIMEOUT_MS answers 503, not 500', async (t, url) => {
  const config = loadConfig({
    DATABASE_URL: url,
    API_KEYS: testApiKey,
    DATABASE_STATEMENT_TIMEOUT_MS: '200',
  });
  const app = checkedAgainstDocument(await buildApp(config, { logger: false, parser: testParser() }));
  t.teardown(() => app.close());
  // Another session holds the articles table: the list waits for it until the server cancels it.
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
    const blocked = await app.inject('/v1/articles?q=harbour');
    t.equal(blocked.statusCode, 503);
    t.match(blocked.json(), { status: 503, detail: /did not answer in time/ });
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  t.equal(
    (await app.inject('/v1/articles?q=harbour')).statusCode,
    200,
    'answers again once the lock is gone',
  );
});
