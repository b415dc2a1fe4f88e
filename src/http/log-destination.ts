import pino from 'pino';

/**
 * Linux writes at most PIPE_BUF (4096) bytes to a pipe in one piece; a longer write may be cut by
 * another process's. The processes of `serve --workers N` share one stdout, and pino's default
 * destination writes up to 16 KB of lines at once: with it, test/processes/shared-stdout.test.ts
 * (four processes logging into one slowly read pipe) finds lines cut by another process's bytes.
 */
export const pipeAtomicBytes = 4096;

/**
 * Where the server's log lines go: a file descriptor (stdout), written asynchronously as pino's
 * default is and flushed on exit, in writes of whole lines of at most `pipeAtomicBytes` each (a
 * single longer line is written alone).
 */
export function logDestination(fd = 1) {
  return pino.destination({ dest: fd, maxWrite: pipeAtomicBytes });
}
