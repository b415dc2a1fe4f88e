/** The form in which lines are compared across articles: case, spacing and punctuation ignored. */
export function normalizeLine(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface RecurringOptions {
  /** A line must appear in at least this many articles… */
  minArticles?: number;
  /** …and in at least this share of them. */
  minShare?: number;
}

/**
 * Lines that recur across many articles of one source (a site's slogan, its standard appeal, a
 * fixed footer) are boilerplate even when no rule recognises them. Given the raw texts of one
 * source's articles, returns those lines, for the caller to pass back as
 * `RawArticle.recurringLines`. Pure, so the service decides which articles count as one source.
 */
export function findRecurringLines(texts: readonly string[], options: RecurringOptions = {}): string[] {
  const minArticles = options.minArticles ?? 3;
  const minShare = options.minShare ?? 0.5;
  const seenIn = new Map<string, { count: number; line: string }>();
  for (const text of texts) {
    const lines = new Set<string>();
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line.length < 3 || line.length > 300) continue;
      const key = normalizeLine(line);
      if (key === '' || lines.has(key)) continue;
      lines.add(key);
      const entry = seenIn.get(key);
      if (entry) entry.count++;
      else seenIn.set(key, { count: 1, line });
    }
  }
  const threshold = Math.max(minArticles, Math.ceil(texts.length * minShare));
  return [...seenIn.values()].filter((entry) => entry.count >= threshold).map((entry) => entry.line);
}
