import type { Server } from 'node:http';
import { trackerOf } from './create-http-server.js';

export interface HttpStop {
  /** Waits for the requests in flight (their turns finish and are answered), up to `untilMs`. */
  drain(untilMs: number): Promise<{ inFlight: number; cut: number; left: number }>;
  /** Closes every connection left and waits (up to `untilMs`) for the server to be closed. */
  close(untilMs: number): Promise<void>;
}

/** A request still sending its body this long after stopping began is cut (its turn never started). */
export const bodyGraceMs = 1000;

/**
 * Stops a server made by createHttpServer without waiting forever for kept-alive or slow
 * clients (`server.close()` alone does): it stops listening and closes idle connections at once,
 * answers new requests on open connections 503, lets the requests in flight finish, cuts those
 * whose body is still arriving after a second, then closes whatever is left. A cut request was
 * never answered, so its sender retries it elsewhere: nothing acknowledged is lost.
 */
export function stopHttpServer(server: Server): HttpStop {
  const tracker = trackerOf(server);
  tracker?.startDraining();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const started = Date.now();
  return {
    async drain(untilMs) {
      if (!tracker) return { inFlight: 0, cut: 0, left: 0 };
      const before = tracker.inFlight.size;
      let cut = 0;
      const cutSlowBodies = () => {
        for (const { req } of tracker.inFlight) {
          if (req.complete) continue;
          cut += 1;
          req.socket.destroy();
        }
      };
      const bodyTimer = setTimeout(cutSlowBodies, Math.max(0, started + bodyGraceMs - Date.now()));
      await withDeadline(tracker.idle(), untilMs);
      clearTimeout(bodyTimer);
      return { inFlight: before, cut, left: tracker.inFlight.size };
    },
    async close(untilMs) {
      server.closeAllConnections();
      await withDeadline(closed, untilMs);
    },
  };
}

/** `promise`, or nothing once the clock passes `untilMs` (Date.now() terms). */
export async function withDeadline<T>(
  promise: Promise<T>,
  untilMs: number,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, untilMs - Date.now()));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
