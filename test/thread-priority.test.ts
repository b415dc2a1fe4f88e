import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import t from 'tap';
import { createParserPool } from '../src/services/parser-pool.js';
import { buildTestApp } from './support/app.js';

/** Nice values of this process's threads, by thread id (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNiceness(): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      threads.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended while being read
    }
  }
  return threads;
}

/** The nice value the test runs at (0 unless started under `nice`). */
const base = getPriority();
const lowered = () => [...threadNiceness().values()].filter((nice) => nice > base).length;

t.test(
  'search and parse workers run below the event loop, so health checks and cheap reads go first',
  {
    skip:
      process.platform !== 'linux'
        ? 'thread priorities are read from /proc on Linux'
        : base >= 10 && `the tests already run at nice ${base}, so a lowered thread cannot be told apart`,
  },
  async (t) => {
    t.equal(lowered(), 0, 'no thread starts lowered');

    const app = await buildTestApp(t);
    t.equal((await app.inject('/v1/articles?q=harbour')).statusCode, 200, 'a search starts the read workers');
    // The first worker ready answers the search; the second may still be loading its modules, and
    // lowers itself once it has (CI's 2-core machine was once caught between the two).
    const loading = Date.now() + 10_000;
    while (lowered() < 2 && Date.now() < loading) await new Promise((resolve) => setTimeout(resolve, 20));
    t.ok(lowered() >= 2, `${lowered()} threads lowered once the read pool runs (at least 2 workers)`);

    const before = lowered();
    const pool = createParserPool({ threads: 1, timeoutMs: 5_000, memoryMb: 512 });
    t.teardown(() => pool.close());
    const parsed = await pool.parse({
      body: 'Harbour ferries return\n\nThe ferries are back on the harbour route this week, the operator said on Monday.',
      contentType: 'text/plain',
    });
    t.ok(parsed.outcome, 'a parse starts a parser thread');
    t.equal(lowered(), before + 1, 'the parser thread is lowered too');

    t.equal(threadNiceness().get(process.pid), base, 'the event loop keeps its priority');
  },
);
