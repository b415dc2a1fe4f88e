/** The 16-bit bands of a 64-bit simhash, numbered so equal bits in different positions never match. */
export function simhashBands(simhash: string): number[] {
  return [0, 1, 2, 3].map(
    (band) => band * 65536 + Number.parseInt(simhash.slice(band * 4, band * 4 + 4), 16),
  );
}
