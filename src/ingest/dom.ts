import { parseHTML } from 'linkedom';

/**
 * The slice of the DOM the HTML rules use. linkedom's typings lean on the DOM lib, which this
 * Node project does not load, so they resolve to `any`; this keeps the HTML code type-checked.
 */
export interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: Iterable<DomNode>;
}

export interface DomElement extends DomNode {
  tagName: string;
  firstElementChild: DomElement | null;
  children: Iterable<DomElement>;
  isConnected: boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  contains(other: DomElement): boolean;
  remove(): void;
  normalize(): void;
}

export interface DomDocument {
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

/** linkedom builds no documentElement for a bare fragment ("<p>hi</p>"), so give it a page. */
export function parseDocument(html: string): DomDocument {
  const page = /<html[\s>]/i.test(html)
    ? html
    : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
  const document = parseHTML(page).document as DomDocument;
  // Stray "<" characters each become their own text node; 80,000 of them made extraction crawl.
  document.body?.normalize();
  return document;
}
