import zlib from 'node:zlib';

type Teardown = { teardown: (fn: () => void) => void };

/** How bodies are compressed: by the compression plugin (at once or as a stream), or on the thread pool. */
const calls = {
  plugin: ['brotliCompressSync', 'createBrotliCompress', 'gzipSync', 'createGzip'],
  threadPool: ['brotliCompress', 'gzip'],
} as const;

/** Counts compressions by zlib, each way, until the test ends. */
export function countCompressions(t: Teardown): Record<keyof typeof calls, number> {
  const counted = { plugin: 0, threadPool: 0 };
  for (const way of Object.keys(calls) as (keyof typeof calls)[]) {
    for (const name of calls[way]) {
      const descriptor = Object.getOwnPropertyDescriptor(zlib, name)!;
      const original = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(zlib, name, {
        ...descriptor,
        value: (...args: unknown[]) => {
          counted[way]++;
          return original(...args);
        },
      });
      t.teardown(() => {
        Object.defineProperty(zlib, name, descriptor);
      });
    }
  }
  return counted;
}
