import { setPriority } from 'node:os';

/**
 * Marks the calling worker thread as background work. On Linux `setpriority` with no pid changes
 * only the calling thread, so when cores are scarce the event loop that answers requests (health
 * checks and cheap reads among them) runs first. Where it is not allowed, nothing changes.
 */
export function lowerThreadPriority(): void {
  try {
    setPriority(10);
  } catch {
    // keep the default priority
  }
}
