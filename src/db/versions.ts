/**
 * A write's `updated_at`: now, or a millisecond after the version it replaces when the clock has not
 * moved past it, so every edit leaves a new version for the next `If-Match` check to tell apart.
 */
export function nextVersion(now: string, previous: string): string {
  return now > previous ? now : new Date(Date.parse(previous) + 1).toISOString();
}
