import { pino, type Logger } from 'pino';
import { currentTurnId } from './turn-scope.js';

/**
 * Structured logs on stderr (stdout belongs to the terminal chat's protocol). Message text
 * written by people is never logged at info level: log ids and kinds, not content. A line
 * written during a turn carries its `turnId` (bot/turn-scope.ts), whichever logger wrote it.
 */
export function createLogger(level: string, name = 'concerto'): Logger {
  return pino({ name, level, mixin: turnIdField }, pino.destination(2));
}

function turnIdField(): { turnId?: string } {
  const turnId = currentTurnId();
  return turnId === undefined ? {} : { turnId };
}

export type { Logger };
