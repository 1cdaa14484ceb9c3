import type { MongoClient } from 'mongodb';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Turn and database latency buckets, in seconds: a turn is tens of ms, a slow one seconds. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics (prom-client), rendered by /metrics: the named ones below,
 * process metrics (CPU, memory, event loop lag, GC: prom-client's defaults) and the counters a
 * module declares where it counts (`increment`, e.g. `concerto_telegram_updates_total`).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  /** Turns by channel and outcome (`ok`, `duplicate`, `error`). */
  readonly turns = new Counter({
    name: 'concerto_turns_total',
    help: 'Turns handled, by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly turnSeconds = new Histogram({
    name: 'concerto_turn_duration_seconds',
    help: 'Time from an input to its stored turn (load, NLU, engine, commit, effects), by channel.',
    labelNames: ['channel'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  /** Failures by kind: `turn`, `database`, `http`, `unhandled_rejection`… */
  readonly errors = new Counter({
    name: 'concerto_errors_total',
    help: 'Errors by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly databaseSeconds = new Histogram({
    name: 'concerto_db_command_duration_seconds',
    help: 'MongoDB commands (driver command monitoring), by command and outcome.',
    labelNames: ['command', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly remindersSent = new Counter({
    name: 'concerto_reminders_sent_total',
    help: 'Reminders delivered, by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly remindersFailed = new Counter({
    name: 'concerto_reminders_failed_total',
    help: 'Reminders that could not be delivered, by channel and reason.',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });
  readonly telegramRateLimited = new Counter({
    name: 'concerto_telegram_rate_limited_total',
    help: 'Telegram Bot API calls answered 429 (each one, retried or not).',
    registers: [this.registry],
  });
  private readonly declared = new Map<string, { counter: Counter; labels: readonly string[] }>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Adds one to a counter declared by its first use (its label names are those of that call).
   * A label the first call did not have is dropped rather than thrown: counting never breaks
   * what it counts.
   */
  increment(name: string, help: string, labels: Record<string, string> = {}): void {
    let entry = this.declared.get(name);
    if (!entry) {
      const labelNames = Object.keys(labels);
      entry = {
        counter: new Counter({ name, help, labelNames, registers: [this.registry] }),
        labels: labelNames,
      };
      this.declared.set(name, entry);
    }
    const known = entry.labels;
    entry.counter.inc(
      Object.fromEntries(Object.entries(labels).filter(([k]) => known.includes(k))),
    );
  }

  /** A gauge read when /metrics is scraped (e.g. the Direct Line streams open). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /**
   * Times every command of `client` from the driver's command monitoring events (the client
   * must be created with `monitorCommands: true`). Only the command's name is kept, never its
   * documents.
   */
  watchDatabase(client: MongoClient): void {
    client.on('commandSucceeded', (event) =>
      this.databaseSeconds.observe(
        { command: event.commandName, outcome: 'ok' },
        event.duration / 1000,
      ),
    );
    client.on('commandFailed', (event) => {
      this.databaseSeconds.observe(
        { command: event.commandName, outcome: 'failed' },
        event.duration / 1000,
      );
      this.errors.inc({ kind: 'database' });
    });
  }

  /** The text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
