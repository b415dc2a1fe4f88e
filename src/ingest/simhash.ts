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
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const count = words.length;
  const his = new Uint32Array(count);
  const los = new Uint32Array(count);
  const hash = new Uint32Array(2);
  for (let i = 0; i < count; i++) {
    fnv1a64(words[i] as string, hash);
    his[i] = hash[0] ?? 0;
    los[i] = hash[1] ?? 0;
  }
  const counts = new Int32Array(64);
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
    // Count set bits only (about half of them); the sign test below compares against half.
    for (let bits = hi; bits !== 0; bits &= bits - 1) {
      const bit = 31 - Math.clz32(bits & -bits);
      counts[31 - bit] = (counts[31 - bit] ?? 0) + 1;
    }
    for (let bits = lo; bits !== 0; bits &= bits - 1) {
      const bit = 31 - Math.clz32(bits & -bits);
      counts[63 - bit] = (counts[63 - bit] ?? 0) + 1;
    }
  }
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++)
      value = (value << 1) | ((counts[nibble * 4 + bit] ?? 0) * 2 > shingles ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

const POPCOUNT = Array.from(
  { length: 16 },
  (_, n) => (n & 1) + ((n >> 1) & 1) + ((n >> 2) & 1) + ((n >> 3) & 1),
);

/** Number of differing bits between two 16-hex-digit simhashes. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`simhashes differ in length: ${a.length} vs ${b.length}`);
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    distance += POPCOUNT[Number.parseInt(a[i] as string, 16) ^ Number.parseInt(b[i] as string, 16)] ?? 0;
  }
  return distance;
}
