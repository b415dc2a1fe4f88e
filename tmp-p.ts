import { buildTestApp } from './test/support/app.js';

const teardowns: (() => unknown)[] = [];
const app = await buildTestApp({ teardown: (f) => teardowns.push(f) }, { PARSE_THREADS: '1' });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const lat: number[] = [];
const end = performance.now() + 8000;
while (performance.now() < end) {
  const s = performance.now();
  const r = await fetch(`${url}/healthz`);
  await r.arrayBuffer();
  lat.push(performance.now() - s);
  await new Promise((r) => setTimeout(r, 10));
}
lat.sort((a, b) => a - b);
console.log(
  'idle n',
  lat.length,
  'p50',
  lat[lat.length >> 1]!.toFixed(1),
  'p99',
  lat[Math.floor(lat.length * 0.99)]!.toFixed(1),
  'max',
  lat.at(-1)!.toFixed(1),
);
for (const f of teardowns) await f();
