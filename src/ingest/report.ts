/**
 * What the parser reports beside the article: each warning as a code with the words the ingest
 * report shows, and for each field the rule that produced it. Callers test codes, never wording.
 */
const WARNING_MESSAGES = {
  'invalid-utf8': (invalid: number) =>
    `the body is UTF-8 but for ${invalid} invalid byte ${invalid === 1 ? 'sequence' : 'sequences'}, each replaced with U+FFFD`,
  'html-unparsable': (error: string) =>
    `the HTML could not be parsed (${error}); its text was read as plain text`,
  'deep-nesting': (maxDepth: number) =>
    `the page nests elements more than ${maxDepth} deep; deeper content was read as plain text`,
  'no-body-in-page': () => 'no article body found in the page',
  'no-title': () => 'no title line found; the first sentence was used as the title',
  'no-author': () => 'no author found',
  'ambiguous-date': (text: string) => `date ambiguous: ${text}`,
  'no-published-date': () => 'no publication date found',
  'no-language': () => 'language not detected',
} as const;

export type ParseWarningCode = keyof typeof WARNING_MESSAGES;

export interface ParseWarning {
  code: ParseWarningCode;
  message: string;
}

/** A warning by its code, with its message filled in from the details the code takes. */
export function parseWarning<Code extends ParseWarningCode>(
  code: Code,
  ...details: Parameters<(typeof WARNING_MESSAGES)[Code]>
): ParseWarning {
  const message = (WARNING_MESSAGES[code] as (...args: typeof details) => string)(...details);
  return { code, message };
}

/** Every rule a field may come from, with where it looks. */
const FIELD_RULES = {
  'html:json-ld': "the page's JSON-LD Article object",
  'html:meta': 'meta tags (Open Graph, Dublin Core, Parse.ly and the like)',
  'html:h1': "the page's first <h1>, agreeing with its <title>",
  'html:title': "the page's <title>, less its site name",
  'html:dek': 'an element marked as the standfirst or subtitle',
  'html:rel-author': 'rel="author" links and itemprop="author" names',
  'html:byline': "Readability's byline, read from the article itself",
  'html:time': 'a <time datetime> element',
  'html:rel-tag': 'rel="tag" links',
  'html:figcaption': 'figure captions and credits',
  'html:readability': "Readability's candidate",
  'html:json-ld-body': 'the JSON-LD articleBody',
  'html:prose-run': 'the main run of prose in the whole page',
  'html:none': 'no body found in the page',
  'plain:blocks': 'the blocks of a plain text',
  'plain:first-block': 'the first block shaped like a headline',
  'plain:copied-headline': "the line before a copied page's story whose words its opening repeats",
  'plain:first-sentence': 'the first sentence of the body, for want of a title',
  'plain:second-block': 'an unpunctuated line after the title, followed by a byline or caption',
  'plain:byline': 'a "By …" line',
  'plain:date-line': 'a line holding only a date',
  'plain:closing-bio': 'a closing "NAME is a ROLE at ORG" block',
  'plain:caption-line': 'a caption line in the text',
  'plain:bracketed-see': 'bracketed "[See …]" notes',
  'plain:tags-line': 'a "Tags: …" line',
  'source-url': 'a date in the source URL',
  'caption-prefix': 'the date that opens a caption',
  'derived:entities': 'names and places found in the text',
  eld: 'language detection over the body',
} as const;

export type FieldRule = keyof typeof FIELD_RULES;

/**
 * For each extracted field, the rule that produced it; `decode` holds the charset the bytes were
 * read as instead. Keys are in the order the steps found them.
 */
export type ParseFields = {
  decode?: string;
  title?: FieldRule;
  subtitle?: FieldRule;
  authors?: FieldRule;
  authorBio?: FieldRule;
  publishedAt?: FieldRule;
  images?: FieldRule;
  references?: FieldRule;
  tags?: FieldRule;
  body?: FieldRule;
  derivedTags?: FieldRule;
  language?: FieldRule;
};

/** What one parser step found, with the rules behind it and anything a human should check. */
export interface Finding<T> {
  value: T;
  fields: ParseFields;
  warnings: ParseWarning[];
}
