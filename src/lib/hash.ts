import { hash } from 'node:crypto';

/** SHA-256 of UTF-8 text or raw bytes, hex by default: how payloads, contents and API keys are stored. */
export function sha256(data: string | Uint8Array, encoding: 'hex' | 'base64url' = 'hex'): string {
  return hash('sha256', data, encoding);
}
