import { MongoError } from 'mongodb';
import { StorageError } from '../storage/storage-error.js';
import type { TurnHandler } from './handle-turn.js';
import type { Metrics } from './http/metrics.js';
import type { Logger } from './logger.js';
import { inTurn } from './turn-scope.js';

/**
 * The turn handler, counted and timed (`concerto_turns_total`, `concerto_turn_duration_seconds`,
 * `concerto_errors_total`) and run in a turn scope so that its log lines share a turn id.
 * Logs ids, the channel and the outcome of a turn, never what was said.
 */
export function observeTurns(handleTurn: TurnHandler, metrics: Metrics, log: Logger): TurnHandler {
  return (identity, input, meta) =>
    inTurn(async () => {
      const { channel } = identity;
      const started = performance.now();
      try {
        const turn = await handleTurn(identity, input, meta);
        const outcome = turn.duplicate ? 'duplicate' : 'ok';
        const seconds = (performance.now() - started) / 1000;
        metrics.turns.inc({ channel, outcome });
        metrics.turnSeconds.observe({ channel }, seconds);
        log.debug({ channel, outcome, input: input.kind, ms: Math.round(seconds * 1000) }, 'turn');
        return turn;
      } catch (error) {
        metrics.turns.inc({ channel, outcome: 'error' });
        metrics.errors.inc({ kind: errorKind(error) });
        throw error;
      }
    });
}

/** `database` (the server or the network), `storage` (a document refused), else `internal`. */
export function errorKind(error: unknown): string {
  if (error instanceof MongoError) return 'database';
  if (error instanceof StorageError) return 'storage';
  return 'internal';
}
