import type { Logger } from './logger.js';
import { withDeadline } from './http/stop-http-server.js';

/**
 * The order things stop in. `intake`: stop taking new work (the HTTP listener, Telegram
 * polling, a scheduler claiming jobs). `drain`: let work already taken finish (turns in
 * flight, reminders being sent, leases released). `connections`: close what clients still hold
 * open (WebSockets, kept-alive sockets). `background`: timers and watchers. `storage`: the
 * database and the embedded server, last, once nothing can write any more.
 */
export const shutdownPhases = ['intake', 'drain', 'connections', 'background', 'storage'] as const;
export type ShutdownPhase = (typeof shutdownPhases)[number];

/** What a stop hook is told: the time (Date.now() terms) by which it must have returned. */
export interface StopContext {
  deadline: number;
}

export type StopHook = (context: StopContext) => Promise<unknown> | unknown;

export interface Shutdown {
  /**
   * Registers what to do when the process stops; returns a function that unregisters it.
   * Hooks of one phase run together; phases run in order. A hook that throws or outlives its
   * phase's share of the time is logged and left behind: the next phase starts anyway.
   *
   * @example shutdown.onStop('intake', 'reminders', () => scheduler.stop())
   */
  onStop(phase: ShutdownPhase, name: string, hook: StopHook): () => void;
  readonly stopping: boolean;
  /** Runs every hook once (later calls get the same promise); resolves within `budgetMs`. */
  stop(reason: string): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  ms: number;
  /** Hooks that threw or did not return in time. */
  failed: string[];
}

/** Each phase gets at most this share of what is left of the budget (storage gets the rest). */
const phaseShare: Record<ShutdownPhase, number> = {
  intake: 0.3,
  drain: 0.7,
  connections: 0.4,
  background: 0.3,
  storage: 1,
};

/**
 * The one place everything that runs in `concerto serve` registers how it stops, so that
 * SIGTERM finishes the turns in flight, closes every connection, the database last, within
 * `budgetMs` (10 s is what process managers wait before SIGKILL; serve keeps a margin).
 */
export function createShutdown(log: Logger, budgetMs = 8_500): Shutdown {
  const hooks = new Map<ShutdownPhase, Map<symbol, { name: string; hook: StopHook }>>(
    shutdownPhases.map((phase) => [phase, new Map()]),
  );
  let running: Promise<ShutdownReport> | undefined;
  return {
    onStop(phase, name, hook) {
      const key = Symbol(name);
      hooks.get(phase)?.set(key, { name, hook });
      return () => void hooks.get(phase)?.delete(key);
    },
    get stopping() {
      return running !== undefined;
    },
    stop(reason) {
      running ??= (async () => {
        const started = Date.now();
        const end = started + budgetMs;
        const failed: string[] = [];
        log.info({ reason }, 'stopping');
        for (const phase of shutdownPhases) {
          const deadline = Date.now() + (end - Date.now()) * phaseShare[phase];
          const entries = [...(hooks.get(phase)?.values() ?? [])];
          await Promise.all(
            entries.map(async ({ name, hook }) => {
              const done = await withDeadline(
                Promise.resolve()
                  .then(() => hook({ deadline }))
                  .then(
                    () => true,
                    (error: unknown) => {
                      log.error({ err: error, phase, hook: name }, 'stop hook failed');
                      return false;
                    },
                  ),
                deadline,
              );
              if (done === undefined)
                log.warn({ phase, hook: name }, 'stop hook did not finish in time');
              if (done !== true) failed.push(`${phase}/${name}`);
            }),
          );
        }
        const ms = Date.now() - started;
        log.info({ ms, failed }, 'stopped');
        return { ms, failed };
      })();
      return running;
    },
  };
}
