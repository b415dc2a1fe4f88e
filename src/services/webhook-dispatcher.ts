import { randomUUID } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import type {
  AfterFailure,
  DeliveryAttempt,
  Repositories,
  StoredEvent,
  WebhookTarget,
} from '../domain/ports.js';
import { webhookPayload } from '../domain/webhooks.js';
import type { createWebhookSender, Resolver, SendResult } from './webhook-sender.js';

export interface DispatcherOptions {
  /** Deliveries under way at once in this process, across subscriptions. */
  maxInFlight: number;
  timeoutMs: number;
  /** How often the queue is looked at for due subscriptions. */
  pollMs: number;
  /** The first retry waits up to this long, each later one twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After failing this long, a subscription is disabled. */
  giveUpMs: number;
  allowPrivate: boolean;
  resolve?: Resolver;
  /** The jitter's source; Math.random unless a test needs the bound itself. */
  random?: () => number;
  /** Counts every attempt by outcome (the metrics). */
  attempted?: (outcome: 'success' | 'failure') => void;
}

const isSuccess = (result: SendResult) =>
  result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** What went wrong with an attempt, in words for `disabled_reason`. */
function failureOf(result: SendResult): string {
  if (result.statusCode === null) return result.error ?? 'no response';
  return result.statusCode >= 300 && result.statusCode < 400
    ? `HTTP ${result.statusCode} (redirects are not followed)`
    : `HTTP ${result.statusCode}`;
}

/** Full jitter: a random wait up to the exponential bound, so failing receivers are not hit in step. */
export function retryDelay(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(failures, 40)));
}

const attemptOf = (
  target: WebhookTarget,
  event: StoredEvent,
  result: SendResult,
  attempt: number,
  redelivery: boolean,
): DeliveryAttempt => ({
  webhookId: target.id,
  eventId: event.id,
  attempt,
  redelivery,
  statusCode: result.statusCode,
  error: isSuccess(result) ? null : failureOf(result),
  durationMs: result.durationMs,
  responseBody: result.responseBody,
  attemptedAt: new Date().toISOString(),
});

/** After a failed attempt: retry later, or give up when it has been failing for too long. */
function afterFailure(
  options: DispatcherOptions,
  failingSince: number,
  failures: number,
  result: SendResult,
  event: StoredEvent,
): AfterFailure {
  const now = Date.now();
  if (now - failingSince >= options.giveUpMs) {
    const hours = Math.round(((now - failingSince) / 3_600_000) * 10) / 10;
    return {
      disabledReason:
        `Deliveries failed for ${hours} h (since ${new Date(failingSince).toISOString()}, ` +
        `${failures + 1} attempts); the last, of event ${event.id}, got ${failureOf(result)}.`,
    };
  }
  return {
    nextAttemptAt: now + retryDelay(failures, options.retryBaseMs, options.retryMaxMs, options.random),
  };
}

interface Lease {
  owner: string;
  leaseMs: number;
  stopping: AbortSignal;
}

/** Sends one leased subscription's work: queued re-sends, then its events in order. */
function createDrainer(repositories: Repositories, options: DispatcherOptions, lease: Lease) {
  const { webhooks } = repositories;
  const { owner, stopping } = lease;
  // The HTTP client loads with the first delivery, not with the app: most servers never send one.
  let sender: Promise<ReturnType<typeof createWebhookSender>> | undefined;
  const loadSender = () =>
    (sender ??= import('./webhook-sender.js').then((module) => module.createWebhookSender(options)));

  async function post(target: WebhookTarget, event: StoredEvent): Promise<SendResult> {
    const body = webhookPayload(event);
    const id = String(event.id);
    const now = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Signer(target.secret).sign(id, now, body),
    };
    return (await loadSender()).send(target.url, headers, body, stopping);
  }

  async function sendRedeliveries(target: WebhookTarget): Promise<void> {
    for (;;) {
      const queued = await webhooks.nextRedelivery(target.id);
      if (!queued || stopping.aborted) return;
      const result = await post(target, queued.event);
      if (stopping.aborted) return;
      options.attempted?.(isSuccess(result) ? 'success' : 'failure');
      const attempt = attemptOf(target, queued.event, result, 1, true);
      await webhooks.recordRedelivery(queued.id, attempt, owner, Date.now() + lease.leaseMs);
    }
  }

  /** Sends due events in order until the subscription has caught up or an attempt fails. */
  async function drain(target: WebhookTarget): Promise<void> {
    await sendRedeliveries(target);
    let { attempt: failures, failingSince } = target;
    // Leased for a re-send while its next event still waits for its retry time: that waits on.
    while (!stopping.aborted && target.nextAttemptAt <= Date.now()) {
      const event = await webhooks.nextEvent(target.id);
      if (!event) break;
      const started = Date.now();
      const result = await post(target, event);
      // Stopping aborted the request: the event stays due and goes out again after the restart.
      if (stopping.aborted) break;
      options.attempted?.(isSuccess(result) ? 'success' : 'failure');
      const attempt = attemptOf(target, event, result, failures + 1, false);
      if (isSuccess(result)) {
        if (!(await webhooks.recordSuccess(attempt, owner, Date.now() + lease.leaseMs))) return;
        failures = 0;
        failingSince = null;
        continue;
      }
      const since = failingSince ?? started;
      await webhooks.recordFailure(
        attempt,
        owner,
        since,
        afterFailure(options, since, failures, result, event),
      );
      return;
    }
    await webhooks.release(target.id, owner);
  }

  return { drain, close: async () => (await sender)?.close() };
}

/**
 * Delivers webhook events beside serving. Every `pollMs` it leases the subscriptions that have an
 * event due (as many as there is room for in flight) and sends each one's events in order, one at
 * a time, moving its cursor after each 2xx. A failure schedules a retry with backoff and ends the
 * lease; failing past `giveUpMs` disables the subscription. A crash leaves the cursor where the
 * last 2xx put it, so the event being sent is sent again once the lease runs out.
 */
export function createWebhookDispatcher(repositories: Repositories, options: DispatcherOptions) {
  const stopping = new AbortController();
  const lease = {
    owner: `${process.pid}:${randomUUID()}`,
    leaseMs: options.timeoutMs * 2 + 1000,
    stopping: stopping.signal,
  };
  const drainer = createDrainer(repositories, options, lease);
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let report: (error: unknown) => void = () => {};

  /** Leases what is due, as far as there is room in flight, and starts delivering it. */
  async function dispatchDue(): Promise<void> {
    const room = options.maxInFlight - inFlight.size;
    if (room <= 0 || stopping.signal.aborted) return;
    const now = Date.now();
    for (const target of await repositories.webhooks.claimDue(lease.owner, now, now + lease.leaseMs, room)) {
      const delivery: Promise<void> = drainer
        .drain(target)
        .catch((error: unknown) => report(error))
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  }

  function schedule() {
    timer = setTimeout(() => {
      dispatchDue()
        .catch((error: unknown) => report(error))
        .finally(() => {
          if (!stopping.signal.aborted) schedule();
        });
    }, options.pollMs);
  }

  return {
    /** Starts polling; `onError` hears of failures the dispatcher cannot record (storage errors). */
    start(onError: (error: unknown) => void) {
      report = onError;
      if (timer === undefined && !stopping.signal.aborted) schedule();
    },
    /** One round, then waits for what it started (tests drive the dispatcher with this). */
    async runOnce(): Promise<void> {
      await dispatchDue();
      await Promise.all(inFlight);
    },
    /** Aborts deliveries under way (they stay due) and waits for them to let go of their leases. */
    async stop(): Promise<void> {
      stopping.abort();
      clearTimeout(timer);
      await Promise.allSettled(inFlight);
      await drainer.close();
    },
  };
}
