/** `true` when the value is an integer id as written in a path (`42`), not a slug. */
export function isNumericId(idOrSlug: string): boolean {
  return /^[1-9][0-9]{0,15}$/.test(idOrSlug);
}
