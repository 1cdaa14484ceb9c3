import { pino, type Logger } from 'pino';

/**
 * Structured logs on stderr (stdout belongs to the terminal chat's protocol). Message text
 * written by people is never logged at info level: log ids and kinds, not content.
 */
export function createLogger(level: string, name = 'concerto'): Logger {
  return pino({ name, level }, pino.destination(2));
}

export type { Logger };
