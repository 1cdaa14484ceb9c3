import type { Db } from 'mongodb';
import { listCouncils } from '../storage/council-repository.js';
import { readCouncilRevision } from '../storage/council-revision.js';
import type { CouncilIndex } from './council-index.js';

export interface CouncilWatch {
  /** Reads the councils again now (after an import in this process, or in tests). */
  refresh(): Promise<void>;
  /** Stops checking; waits for a check under way, so the database can be closed after. */
  stop(): Promise<void>;
}

export interface WatchOptions {
  /** How often the revision document is read; 5 s by default. */
  intervalMs?: number;
  /** After each reload, with the number of councils (for the log). */
  onReload?: (size: number) => void;
  /** A failed check (the database is down…); the next check tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Loads the councils into `index`, then keeps it current: every few seconds it reads the
 * councils' revision (one document by `_id`, cheap on FerretDB) and reloads the list when
 * an import (in any process) has changed it, so a running server sees new councils and codes
 * without a restart.
 *
 * @example
 *   const watch = await watchCouncils(db, index, { onError: (e) => log.warn(e) });
 *   // … on shutdown: await watch.stop();
 */
export async function watchCouncils(
  db: Db,
  index: CouncilIndex,
  { intervalMs = 5_000, onReload, onError }: WatchOptions = {},
): Promise<CouncilWatch> {
  let seen: number | undefined;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  // The revision is read before the list: a change made in between is seen at the next check.
  const reload = async (revision: number) => {
    index.replace(await listCouncils(db));
    seen = revision;
    onReload?.(index.size);
  };
  const serially = (work: () => Promise<void>) => {
    running = running.then(work, work);
    return running;
  };
  const check = () =>
    serially(async () => {
      const revision = await readCouncilRevision(db);
      if (revision !== seen) await reload(revision);
    });
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      check()
        .catch((error: unknown) => onError?.(error))
        .finally(schedule);
    }, intervalMs);
    timer.unref(); // never what keeps a process alive
  };

  await serially(async () => reload(await readCouncilRevision(db)));
  schedule();
  return {
    refresh: () => serially(async () => reload(await readCouncilRevision(db))),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
