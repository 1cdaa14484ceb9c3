import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const scope = new AsyncLocalStorage<string>();

/**
 * Runs `work` as one turn: every log line written while it runs, by any logger of the process
 * and in any module, carries the same `turnId` (bot/logger.ts reads it). A turn started inside
 * another one (a webhook request, then its turn) keeps the outer id.
 *
 * @example await inTurn(() => bot.handleUpdate(update));
 */
export function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (scope.getStore() !== undefined) return work();
  return scope.run(randomBytes(6).toString('hex'), work);
}

/** The id of the turn running now, if any. */
export function currentTurnId(): string | undefined {
  return scope.getStore();
}
