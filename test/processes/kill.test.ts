import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { plainArticle, testApiKey } from '../support/app.js';
import { startServerProcess } from '../support/processes.js';
import { missingArticles } from '../support/writers.js';

/**
 * `kill -9` in the middle of a streamed batch: every line the server acknowledged before it died
 * must be in the database afterwards, and the database and its full-text index must be intact.
 */
t.test('kill -9 during a batch ingest loses nothing acknowledged', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-kill-'));
  const databasePath = path.join(directory, 'gazette.db');
  const server = await startServerProcess(databasePath, { API_KEYS: testApiKey });
  t.teardown(async () => {
    server.child.kill('SIGKILL');
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const sent: string[] = [];
  const acknowledged = new Map<number, string>();
  const { port } = new URL(server.url);
  const batch = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/ingest/batch',
    headers: { authorization: `Bearer ${testApiKey}`, 'content-type': 'application/x-ndjson' },
  });
  const killed = new Promise<void>((resolve, reject) => {
    batch.on('error', () => resolve()); // the connection dies with the server
    batch.on('response', (response) => {
      let pending = '';
      response.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const result = JSON.parse(line);
          if (result.status !== 'created') reject(new Error(`line rejected: ${line}`));
          acknowledged.set(result.article_id, sent[result.line - 1]!);
        }
        // Enough acknowledged, while more lines are still being written: now.
        if (acknowledged.size >= 30 && server.child.exitCode === null) server.child.kill('SIGKILL');
      });
      response.on('error', () => resolve());
      response.on('close', () => resolve());
    });
  });

  // Lines trickle in, a few at a time, until the server is gone (or a bound is reached).
  const deadline = Date.now() + 60_000;
  let n = 0;
  while (server.child.exitCode === null && server.child.signalCode === null && Date.now() < deadline) {
    for (let i = 0; i < 3; i++) {
      n++;
      const source = `https://news.example.com/kill/${n}`;
      sent.push(source);
      batch.write(
        `${JSON.stringify({ raw: plainArticle({ title: `Dock strike day ${n} ends in talks` }), source_url: source })}\n`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  batch.destroy();
  await killed;
  while (server.child.exitCode === null && server.child.signalCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  t.equal(server.child.signalCode, 'SIGKILL', 'the server was killed mid-stream');
  t.ok(acknowledged.size >= 30, `${acknowledged.size} lines acknowledged before the kill`);
  t.ok(sent.length > acknowledged.size, `${sent.length} lines sent, more than were acknowledged`);

  // Reopening runs SQLite's recovery from the WAL, as the next start would.
  const db = new Database(databasePath);
  try {
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check');
    t.doesNotThrow(
      () => db.prepare("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')").run(),
      'full-text index integrity-check',
    );
  } finally {
    db.close();
  }
  t.same(missingArticles(databasePath, acknowledged), [], 'every acknowledged article is stored');
});
