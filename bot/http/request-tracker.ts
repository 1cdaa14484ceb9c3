import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The requests a server is answering, and whether it is stopping. */
export interface RequestTracker {
  readonly inFlight: ReadonlySet<{ req: IncomingMessage; res: ServerResponse }>;
  /** True once stopping began: new requests get 503, answers close their connection. */
  readonly draining: boolean;
  startDraining(): void;
  /** Resolves when no request is in flight (at once when none is). */
  idle(): Promise<void>;
}

/**
 * Follows every request of `server` from its arrival to its answer (or its connection's end).
 * Once draining, every answer still to be sent carries `connection: close`, so a kept-alive
 * client does not send its next request to a process that is going away.
 */
export function trackRequests(server: Server): RequestTracker {
  const inFlight = new Set<{ req: IncomingMessage; res: ServerResponse }>();
  const waiters = new Set<() => void>();
  let draining = false;
  // Listened to before the routing listener: the entry exists when a route starts.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const entry = { req, res };
    inFlight.add(entry);
    res.once('close', () => {
      inFlight.delete(entry);
      if (inFlight.size > 0) return;
      for (const wake of waiters) wake();
      waiters.clear();
    });
  });
  return {
    inFlight,
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
      // Merged into whatever headers the route writes later.
      for (const { res } of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    },
    idle: () =>
      inFlight.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.add(resolve)),
  };
}
