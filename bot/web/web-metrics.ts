import type { Metrics } from '../http/metrics.js';

/** What the web channel counts. */
export type WebEvent =
  /** A turn of the person, run and stored (one per Direct Line activity that says something). */
  | 'turn'
  /** A request that failed on our side (answered 5xx: the database, a bug). */
  | 'error'
  /** A request refused for its content (4xx: malformed, unsupported, too large). */
  | 'rejected'
  /** A request refused by a quota (429). */
  | 'limited';

const counters: Record<WebEvent, { name: string; help: string }> = {
  turn: { name: 'concerto_web_turns_total', help: 'Web chat turns run and stored.' },
  error: {
    name: 'concerto_web_errors_total',
    help: 'Web chat requests that failed on the server side (5xx).',
  },
  rejected: {
    name: 'concerto_web_rejected_total',
    help: 'Web chat requests refused for their content (4xx).',
  },
  limited: {
    name: 'concerto_web_limited_total',
    help: 'Web chat requests refused by a quota (429).',
  },
};

/**
 * The one place the web channel counts things (`concerto_web_turns_total`…), so that moving
 * to another metrics library changes only this function.
 *
 * @example const count = webCounter(metrics); count('turn');
 */
export function webCounter(metrics: Metrics | undefined) {
  return (event: WebEvent, labels: Record<string, string> = {}): void =>
    metrics?.increment(counters[event].name, counters[event].help, labels);
}

export type WebCounter = ReturnType<typeof webCounter>;
