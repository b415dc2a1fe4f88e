import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { isPublicAddress, responseBodyLimitBytes } from '../domain/webhooks.js';

/** A DNS lookup in the shape `net.connect` calls it with `all: true`. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface SenderOptions {
  /** Lets deliveries reach private, loopback and link-local addresses (local receivers, tests). */
  allowPrivate: boolean;
  /** Longest one delivery may take, connection and response body included. */
  timeoutMs: number;
  /** The resolver used before each connection; the system's by default. */
  resolve?: Resolver;
}

/** What one POST came to: a status (and the start of the body), or the error that stopped it. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

class RefusedAddress extends Error {}

/**
 * The connector of the delivery agent: after DNS, every address a host resolves to must be public
 * (unless private ones are allowed), so a host name cannot send a delivery into Gazette's network.
 * A literal IP is checked too, since `net.connect` skips the lookup for it.
 */
function guardedConnector(options: SenderOptions): buildConnector.connector {
  const resolve: Resolver =
    options.resolve ??
    ((hostname, lookupOptions, callback) => dnsLookup(hostname, { ...lookupOptions, all: true }, callback));
  const lookup = (
    hostname: string,
    lookupOptions: LookupAllOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused && !options.allowPrivate) {
        return callback(
          new RefusedAddress(`${hostname} resolves to ${refused.address}, which is not a public address`),
          [],
        );
      }
      if (lookupOptions.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const connect = buildConnector({ lookup, timeout: options.timeoutMs } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const host = connectOptions.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      callback(new RefusedAddress(`${host} is not a public address`), null);
      return;
    }
    connect(connectOptions, callback);
  };
}

async function readStart(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    // Leaving the loop destroys the rest of the body unread.
    if (length >= responseBodyLimitBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, responseBodyLimitBytes).toString('utf8');
}

const messageOf = (error: unknown): string => {
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error && cause.message !== message ? `${message}: ${cause.message}` : message;
};

/**
 * POSTs webhook deliveries: no redirects followed (a 3xx is a failed attempt), a deadline on the
 * whole exchange, the response body read only up to a few KB.
 */
export function createWebhookSender(options: SenderOptions) {
  const agent = new Agent({
    connect: guardedConnector(options),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  return {
    /** `abort` ends the attempt early (the dispatcher stopping). */
    async send(
      url: string,
      headers: Record<string, string>,
      body: string,
      abort: AbortSignal,
    ): Promise<SendResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Gazette-Webhooks/1', ...headers },
          body,
          dispatcher: agent,
          signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), abort]),
        });
        const responseBody = await readStart(response.body);
        return { statusCode: response.statusCode, error: null, responseBody, durationMs: elapsed() };
      } catch (error) {
        return { statusCode: null, error: messageOf(error), responseBody: null, durationMs: elapsed() };
      }
    },
    close(): Promise<void> {
      return agent.close();
    },
  };
}
