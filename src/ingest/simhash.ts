// FNV-1a 64-bit offset basis, split into 32-bit halves so the hot loop stays in small integers
// (no BigInt, no float division).
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
// The 64-bit FNV prime is 2^40 + 0x1b3: multiplying by it is (x * 0x1b3) + (x << 40).
const PRIME_LOW_PART = 0x1b3;

/** FNV-1a over the UTF-16 code units of `text`, returned as two unsigned 32-bit halves. */
export function fnv1a64(text: string, out: Uint32Array = new Uint32Array(2)): Uint32Array {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // lo * 0x1b3 done in 16-bit limbs so every partial product fits exactly in 32 bits.
    const low16 = (lo & 0xffff) * PRIME_LOW_PART;
    const high16 = (lo >>> 16) * PRIME_LOW_PART + (low16 >>> 16);
    hi = (Math.imul(hi, PRIME_LOW_PART) + (high16 >>> 16) + (lo << 8)) >>> 0;
    lo = (((high16 & 0xffff) << 16) | (low16 & 0xffff)) >>> 0;
  }
  out[0] = hi;
  out[1] = lo;
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * FNV-1a 64 of every lower-cased word, computed in one pass over the text without building the
 * word strings (the regex-and-lowercase version spent most of its time allocating them).
 */
function wordHashes(text: string): { his: Uint32Array; los: Uint32Array; count: number } {
  const capacity = (text.length >> 1) + 1;
  const his = new Uint32Array(capacity);
  const los = new Uint32Array(capacity);
  let count = 0;
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    let code = i < text.length ? text.charCodeAt(i) : 32;
    let wordChar: boolean;
    if (code < 128) {
      wordChar = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
      if (code >= 65 && code <= 90) code += 32;
    } else {
      const char = text.charAt(i);
      wordChar = WORD_CHAR.test(char);
      if (wordChar) code = char.toLowerCase().charCodeAt(0);
    }
    if (wordChar) {
      if (!inWord) {
        hi = OFFSET_HI;
        lo = OFFSET_LO;
        inWord = true;
      }
      lo = (lo ^ code) >>> 0;
      const low16 = (lo & 0xffff) * PRIME_LOW_PART;
      const high16 = (lo >>> 16) * PRIME_LOW_PART + (low16 >>> 16);
      hi = (Math.imul(hi, PRIME_LOW_PART) + (high16 >>> 16) + (lo << 8)) >>> 0;
      lo = (((high16 & 0xffff) << 16) | (low16 & 0xffff)) >>> 0;
    } else if (inWord) {
      his[count] = hi;
      los[count] = lo;
      count++;
      inWord = false;
    }
  }
  return { his, los, count };
}

/** Adds lane counters into per-bit counts (index 0 = most significant bit of the high word). */
function flushLanes(lanes: Int32Array, counts: Int32Array): void {
  for (let k = 0; k < 8; k++) {
    for (let lane = 0; lane < 4; lane++) {
      const bit = lane * 8 + k;
      counts[31 - bit] = (counts[31 - bit] ?? 0) + (((lanes[k] ?? 0) >>> (lane * 8)) & 0xff);
      counts[63 - bit] = (counts[63 - bit] ?? 0) + (((lanes[k + 8] ?? 0) >>> (lane * 8)) & 0xff);
    }
  }
  lanes.fill(0);
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function mix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 64-bit simhash of word 3-grams: texts that share most of their shingles get hashes a few bits
 * apart, so near-duplicates (re-scrapes, lightly edited copies) are found by Hamming distance.
 * Each word is hashed once with FNV-1a 64 and a shingle's hash mixes its three word hashes by
 * position, which is several times faster than re-hashing the joined shingle text.
 */
export function simhash(text: string): string {
  const { his, los, count } = wordHashes(text);
  const counts = new Int32Array(64);
  const lanes = new Int32Array(16);
  let pending = 0;
  const shingles = Math.max(1, count - 2);
  for (let i = 0; i < shingles; i++) {
    const a = i < count ? i : -1;
    const b = i + 1 < count ? i + 1 : -1;
    const c = i + 2 < count ? i + 2 : -1;
    const hiIn =
      (a < 0 ? 0 : (his[a] ?? 0)) ^
      (b < 0 ? 0x9e3779b9 : Math.imul(his[b] ?? 0, 0x27d4eb2f)) ^
      (c < 0 ? 0x7f4a7c15 : Math.imul(his[c] ?? 0, 0x165667b1));
    const loIn =
      (a < 0 ? 0 : (los[a] ?? 0)) ^
      (b < 0 ? 0x85ebca77 : Math.imul(los[b] ?? 0, 0xc2b2ae3d)) ^
      (c < 0 ? 0x27d4eb2d : Math.imul(los[c] ?? 0, 0x9e3779b1));
    const hi = mix32(hiIn ^ mix32(loIn));
    const lo = mix32(loIn ^ hi);
    // SWAR counting: lanes[k] holds four 8-bit counters, for bits k, k+8, k+16 and k+24.
    for (let k = 0; k < 8; k++) {
      lanes[k] = (lanes[k] ?? 0) + ((hi >>> k) & 0x01010101);
      lanes[k + 8] = (lanes[k + 8] ?? 0) + ((lo >>> k) & 0x01010101);
    }
    // Flush before an 8-bit lane can overflow.
    if (++pending === 255) {
      flushLanes(lanes, counts);
      pending = 0;
    }
  }
  flushLanes(lanes, counts);
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++)
      value = (value << 1) | ((counts[nibble * 4 + bit] ?? 0) * 2 > shingles ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** Set bits of a 32-bit integer (the SWAR count: pairs, nibbles, then bytes summed by a multiply). */
function popcount32(value: number): number {
  let x = value - ((value >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Number of differing bits between two 16-hex-digit simhashes, compared 32 bits at a time: an ingest
 * compares its hash with hundreds of candidates, so this runs often.
 */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`simhashes differ in length: ${a.length} vs ${b.length}`);
  let distance = 0;
  for (let i = 0; i < a.length; i += 8) {
    distance += popcount32(Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16));
  }
  return distance;
}
