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
  children: Iterable<DomElement>;
  isConnected: boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  contains(other: DomElement): boolean;
  remove(): void;
}

export interface DomDocument {
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

export function parseDocument(html: string): DomDocument {
  return parseHTML(html).document as DomDocument;
}
