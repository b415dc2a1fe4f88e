import type { Block } from './blocks.js';
import type { BoilerplateKind } from './boilerplate.js';
import type { Bio, Byline } from './byline.js';
import type { Caption } from './captions.js';
import type { FieldRule, ParseFields, ParseWarning } from './report.js';
import type { ParsedAuthor, ParsedImage, RemovedBlock } from './types.js';

/** A value some earlier stage (HTML metadata) already found, with the rule that found it. */
export interface Hint<T> {
  value: T;
  rule: FieldRule;
}

export interface StructureHints {
  title?: Hint<string>;
  subtitle?: Hint<string>;
  authors?: Hint<ParsedAuthor[]>;
  publishedAt?: Hint<string>;
  tags?: Hint<string[]>;
  images?: ParsedImage[];
  /** Byline or dateline text found outside the main content, read with the same byline rules. */
  bylineLines?: string[];
  /** Normalised lines that recur across the source's articles (`normalizeLine`). */
  recurringLines?: ReadonlySet<string>;
}

export interface BodyItem {
  kind: 'paragraph' | 'heading' | 'image';
  text: string;
  image?: ParsedImage;
}

export interface Structure {
  title: string | null;
  subtitle: string | null;
  authors: ParsedAuthor[];
  publishedAt: string | null;
  images: ParsedImage[];
  references: string[];
  explicitTags: string[];
  body: BodyItem[];
  removed: RemovedBlock[];
  warnings: ParseWarning[];
  fields: ParseFields;
}

export type Role =
  | { kind: 'body' }
  | { kind: 'title' }
  | { kind: 'subtitle' }
  | { kind: 'byline'; byline: Byline }
  | { kind: 'caption'; caption: Caption }
  | { kind: 'tags'; names: string[] }
  | { kind: 'bio'; bio: Bio }
  | { kind: 'removed'; removed: BoilerplateKind };

export interface Item {
  block: Block;
  role: Role;
}
