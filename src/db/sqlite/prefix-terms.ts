import type Database from 'better-sqlite3';

/** The index's tokenizer (migration 0008): query words go through it as stored words did. */
const tokenizer = 'porter unicode61 remove_diacritics 2';
/** The prefix index holds three-letter prefixes; a shorter prefix reads every term it starts. */
const indexedPrefixLength = 3;
/** The most frequent index terms a prefix stands for, when it has to be spelled out. */
const maxPrefixTerms = 50;

/** The terms and operators of a query as `toFullTextQuery` writes it. */
const queryToken = /"[^"]*"\*?|OR|NOT/g;

/**
 * FTS5 stems the words of a query, prefixes included, and the Porter stemmer cuts some short
 * prefixes shorter still: `ane*` is searched as `an*` and `dis*` as `di*`. Such a prefix matches
 * words the reader never typed (`and`, `did`) and, under the three-letter prefix index, reads every
 * term that starts with it: 50–130 ms at 100,000 articles. Each such prefix is spelled out instead
 * as the index terms that begin with what was typed (the most frequent `maxPrefixTerms`), and the
 * rest of the query is left as it was.
 */
export function createPrefixExpansion(sqlite: Database.Database): (match: string) => string {
  let statements: { stem: (word: string) => string; termsFrom: (prefix: string) => string[] } | undefined;

  /** Temporary tables of this connection: a one-row index to stem with, and the terms of the real one. */
  function prepared() {
    if (statements) return statements;
    sqlite.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_stemmer USING fts5(word, tokenize = '${tokenizer}', detail = none);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_stems USING fts5vocab(temp, query_stemmer, 'row');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_terms USING fts5vocab(main, articles_fts, 'row');`);
    const insert = sqlite.prepare('INSERT INTO temp.query_stemmer (rowid, word) VALUES (1, ?)');
    const read = sqlite.prepare<[], string>('SELECT term FROM temp.query_stems').pluck();
    const clear = sqlite.prepare('DELETE FROM temp.query_stemmer');
    const terms = sqlite
      .prepare<[string, string], string>(
        `SELECT term FROM temp.article_terms WHERE term >= ? AND term < ? ORDER BY doc DESC, term LIMIT ${maxPrefixTerms}`,
      )
      .pluck();
    statements = {
      stem(word) {
        insert.run(word);
        const stem = read.all().join(' ');
        clear.run();
        return stem;
      },
      termsFrom: (prefix) => terms.all(prefix, `${prefix}\u{10FFFF}`),
    };
    return statements;
  }

  /** A prefix term as the terms it stands for, or null when the index can take it as it is. */
  function spelledOut(term: string): string | null {
    const words = term.slice(1, -2).split(' ');
    // Folded as the tokenizer folds stored words: lower case, no diacritics.
    const typed = words.at(-1)!.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
    // Marks alone fold to next to nothing (`é́́*` is `e`): as for any short prefix, the word itself.
    if (typed.length < indexedPrefixLength) return `"${words.join(' ')}"`;
    const { stem, termsFrom } = prepared();
    if (stem(typed).length >= indexedPrefixLength) return null;
    const lead = words.slice(0, -1).join(' ');
    const phrases = termsFrom(typed).map((word) => `"${lead ? `${lead} ${word}` : word}"`);
    // No word starts with it: an empty phrase, which matches nothing.
    return phrases.length === 0 ? '""' : `(${phrases.join(' OR ')})`;
  }

  return (match) => {
    if (!match.includes('"*')) return match;
    const tokens = match.match(queryToken) ?? [];
    const spelled = tokens.map((token) => (token.endsWith('"*') ? spelledOut(token) : null));
    if (spelled.every((term) => term === null)) return match;
    // FTS5 does not accept a bracketed group beside a term, so each run of terms the query ANDs by
    // juxtaposition (which binds tighter than NOT and OR) becomes one bracketed AND.
    const parts: string[] = [];
    let run: string[] = [];
    const closeRun = () => {
      if (run.length > 0) parts.push(run.length === 1 ? run[0]! : `(${run.join(' AND ')})`);
      run = [];
    };
    tokens.forEach((token, index) => {
      if (token === 'OR' || token === 'NOT') {
        closeRun();
        parts.push(token);
      } else {
        run.push(spelled[index] ?? token);
      }
    });
    closeRun();
    return parts.join(' ');
  };
}
