import { pino, type DestinationStream, type Logger } from 'pino';
import { summariseError } from './summarise-error.js';

/**
 * Keys under which a payload could reach a log line by mistake (an activity, an update, a
 * message): their values are replaced, at every level, in any object logged.
 */
const payloadKeys = ['text', 'body', 'update', 'activity', 'value', 'document', 'message_text'];

/**
 * Structured logs on stderr (stdout belongs to the terminal chat's protocol). What people
 * write is never logged, at any level: log ids and kinds, not content. Errors go through
 * summariseError (their documents and request bodies stay out), payload keys are redacted.
 */
export function createLogger(
  level: string,
  name = 'concerto',
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      name,
      level,
      serializers: { err: summariseError, error: summariseError },
      redact: {
        paths: payloadKeys.flatMap((key) => [key, `*.${key}`]),
        censor: '[not logged]',
      },
    },
    destination,
  );
}

export type { Logger };
