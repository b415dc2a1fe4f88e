import { BadRequest } from './errors.js';

/**
 * Cursors are opaque to clients: base64url of the last row's sort values. Decoding checks the
 * shape so a tampered cursor is a 400, never a query error.
 */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor<T extends readonly unknown[]>(
  cursor: string,
  isValid: (values: unknown[]) => values is [...T],
): T {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || !isValid(values)) {
    throw new BadRequest(
      'The cursor is not one this API issued; use page.next_cursor from a previous page.',
      [{ path: 'query.cursor', message: 'invalid cursor' }],
    );
  }
  return values as unknown as T;
}
