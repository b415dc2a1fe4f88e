interface Entry<Meta> {
  offset: number;
  length: number;
  meta: Meta;
  /** Read since it was kept, or since eviction last passed it over. */
  used: boolean;
  /** Loans not yet returned: while any is out, its space is not written over. */
  loans: number;
}

type PassedOver<Meta> = [key: string, bytes: Uint8Array, meta: Meta];

/**
 * Byte strings kept by key in one block of memory of a fixed size, written in turn like a ring: the
 * oldest go first, but one read since it was kept (or last passed over) is written again at the
 * front instead (CLOCK). Space let go is reused by the next write at once, so the memory kept is
 * the block and no more: a Buffer per entry is freed only when a full garbage collection finds it,
 * and under churn tens of MB of evicted ones waited for one. Reads lend a view of the block, not a
 * copy; space on loan is never written over, so bytes a slow client is still being sent stay as
 * they were. When the oldest entry is on loan, what would need its space is not kept.
 */
export class KeptBytes<Meta> {
  /** Allocated on the first write; the pages it touches become resident as they are written. */
  private memory: Buffer | undefined;
  /** Where the next write goes. */
  private head = 0;
  /**
   * In the order they were written, so the first is the oldest and its offset the ring's tail.
   * Entries cleared while on loan stay, under keys of their own, until their space is reused.
   */
  private entries = new Map<string | symbol, Entry<Meta>>();
  private loansOut = 0;

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * A view of the bytes kept under `key`, with their metadata, and the function that returns the
   * loan (call it once the bytes have been sent; calls after the first do nothing). Marks them as read.
   */
  lend(key: string): { bytes: Buffer; meta: Meta; giveBack: () => void } | undefined {
    const entry = this.entries.get(key);
    if (!entry || !this.memory) return undefined;
    entry.used = true;
    entry.loans++;
    this.loansOut++;
    let out = true;
    const giveBack = () => {
      if (!out) return;
      out = false;
      entry.loans--;
      this.loansOut--;
    };
    return {
      bytes: this.memory.subarray(entry.offset, entry.offset + entry.length),
      meta: entry.meta,
      giveBack,
    };
  }

  /**
   * Keeps `bytes` under `key`; false when they are not kept: larger than the block, replacing bytes
   * on loan, or needing space on loan.
   */
  keep(key: string, bytes: Uint8Array, meta: Meta): boolean {
    if (bytes.length > this.capacity) return false;
    const current = this.entries.get(key);
    if (current && current.loans > 0) return false;
    this.entries.delete(key);
    const passedOver: PassedOver<Meta>[] = [];
    const written = this.write(key, bytes, meta, passedOver);
    // Entries read since they were kept, taken out to make room, go back in at the front once, as
    // far as they fit without pushing out the entry just kept; also when room ran out at a loan
    // after they were taken out, since the space they left is free again.
    for (let next = passedOver.shift(); next; next = passedOver.shift()) {
      if (!this.entries.has(next[0])) this.write(...next, passedOver, written ? key : undefined);
    }
    return written;
  }

  /** Forgets every entry; the space of those on loan is reused only once they are given back. */
  clear(): void {
    if (this.loansOut === 0) {
      this.entries.clear();
      this.head = 0;
      return;
    }
    const onLoan = new Map<string | symbol, Entry<Meta>>();
    for (const entry of this.entries.values()) {
      if (entry.loans === 0) continue;
      entry.used = false;
      onLoan.set(Symbol(), entry);
    }
    this.entries = onLoan;
  }

  private write(key: string, bytes: Uint8Array, meta: Meta, passedOver: PassedOver<Meta>[], keep?: string) {
    this.memory ??= Buffer.allocUnsafeSlow(this.capacity);
    const offset = this.room(bytes.length, passedOver, keep);
    if (offset === undefined) return false;
    this.memory.set(bytes, offset);
    this.head = offset + bytes.length;
    this.entries.set(key, { offset, length: bytes.length, meta, used: false, loans: 0 });
    return true;
  }

  /**
   * The offset of `length` free bytes at the front, letting the oldest entries go until there is
   * one; a read one is copied out first, to be written again. None when the oldest is on loan or
   * is `keep`.
   */
  private room(length: number, passedOver: PassedOver<Meta>[], keep?: string): number | undefined {
    for (;;) {
      const oldest = this.entries.entries().next().value;
      if (!oldest) return 0;
      const [key, entry] = oldest;
      const tail = entry.offset;
      if (this.head > tail) {
        if (this.capacity - this.head >= length) return this.head;
        if (tail >= length) return 0;
      } else if (this.head < tail && tail - this.head >= length) {
        return this.head;
      }
      if (key === keep || entry.loans > 0) return undefined;
      this.entries.delete(key);
      if (entry.used && typeof key === 'string' && this.memory) {
        passedOver.push([key, Buffer.from(this.memory.subarray(tail, tail + entry.length)), entry.meta]);
      }
    }
  }
}
