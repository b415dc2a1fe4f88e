import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateDatabase } from './query.js';

const cacheFolder = path.join(tmpdir(), 'gazette-bench-http');
/** Bylines the generated articles are given when the corpus names none, so author pages have content. */
const authorCount = 120;

/**
 * A database of `count` generated articles, built once and kept in the temporary folder: 100,000
 * articles take minutes to build and the HTTP benchmark only reads them. Gazette applies any newer
 * migration to it when it starts.
 */
export async function benchDatabase(count: number): Promise<string> {
  const file = path.join(cacheFolder, `articles-${count}-v1.db`);
  if (existsSync(file)) return file;

  mkdirSync(cacheFolder, { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const started = Date.now();
  console.error(`building a ${count}-article database in ${cacheFolder} (once)…`);
  await generateDatabase(partial, count);
  const db = new Database(partial);
  addBylines(db);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  console.error(`  built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/** One of `authorCount` authors for every article without one, some with a co-author. */
function addBylines(db: Database.Database) {
  const now = new Date().toISOString();
  const insertAuthor = db.prepare(
    `INSERT OR IGNORE INTO authors (slug, name, name_key, bio, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?)`,
  );
  db.transaction(() => {
    for (let index = 1; index <= authorCount; index++) {
      const name = `Reporter ${index}`;
      insertAuthor.run(`reporter-${index}`, name, `reporter ${index}`, now, now);
    }
    db.exec(`
      INSERT INTO article_authors (article_id, author_id, position)
        SELECT a.id, au.id, 0 FROM articles a JOIN authors au ON au.slug = 'reporter-' || (1 + a.id % ${authorCount})
        WHERE NOT EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id);
      INSERT OR IGNORE INTO article_authors (article_id, author_id, position)
        SELECT a.id, au.id, 1 FROM articles a JOIN authors au ON au.slug = 'reporter-' || (1 + (a.id * 7) % ${authorCount})
        WHERE a.id % 5 = 0;
    `);
  })();
}
