const timedOut = Symbol('timed out');

/**
 * Regroups an async stream into arrays of up to `maxSize` items. A group is also let go as soon as
 * the source has nothing more within `maxWaitMs`, so a slow producer still gets prompt answers
 * while a fast one is handled many items at a time.
 */
export async function* inGroups<T>(
  source: AsyncIterable<T>,
  maxSize: number,
  maxWaitMs: number,
): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  for (;;) {
    const first = await next;
    if (first.done) return;
    const group = [first.value];
    next = iterator.next();
    while (group.length < maxSize) {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        next,
        new Promise<typeof timedOut>((resolve) => {
          timer = setTimeout(() => resolve(timedOut), maxWaitMs);
        }),
      ]);
      clearTimeout(timer);
      if (waited === timedOut) break;
      if (waited.done) {
        yield group;
        return;
      }
      group.push(waited.value);
      next = iterator.next();
    }
    yield group;
  }
}
