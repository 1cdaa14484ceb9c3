import type { MongoClient } from 'mongodb';
import type { ReminderTransport } from '../../bot/reminders/reminder-transport.js';
import type { ReminderRepository } from '../../storage/reminder-repository.js';
import type { SendBudget } from '../../storage/send-budget.js';

/** The sender's steps whose time is measured, in the order a reminder goes through them. */
const steps = ['book', 'claim', 'send', 'record'] as const;
type Step = (typeof steps)[number];

/**
 * Where a wave's time goes: the database commands the process sent (by command and
 * collection, needs `monitorCommands`) and the time spent in each step of a reminder (booking
 * a slot, claiming the participant, the Bot API call, recording the outcome), by wrapping the
 * objects the sender uses. Bench-only: nothing of it is in the product.
 */
export class ReminderProfile {
  private readonly commands = new Map<string, { count: number; ms: number }>();
  private readonly started = new Map<number, { key: string; at: number }>();
  private readonly time = new Map<Step, { count: number; ms: number }>();

  constructor(client: MongoClient) {
    client.on('commandStarted', (event) => {
      const target: unknown = event.command[event.commandName];
      const key = `${event.commandName} ${typeof target === 'string' ? target : ''}`.trim();
      this.started.set(event.requestId, { key, at: performance.now() });
    });
    const finished = (event: { requestId: number }) => {
      const start = this.started.get(event.requestId);
      if (!start) return;
      this.started.delete(event.requestId);
      const entry = this.commands.get(start.key) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += performance.now() - start.at;
      this.commands.set(start.key, entry);
    };
    client.on('commandSucceeded', finished);
    client.on('commandFailed', finished);
  }

  /** Times the repository's claim and record, the budget's booking and the transport's send. */
  watch(repository: ReminderRepository, budget: SendBudget, transport: ReminderTransport): void {
    this.wrap(repository, 'claimParticipant', 'claim');
    this.wrap(repository, 'setDelivery', 'record');
    this.wrap(repository, 'setDeliveries', 'record');
    this.wrap(budget, 'book', 'book');
    this.wrap(transport, 'send', 'send');
  }

  /** Counting starts now (seeding and planning left out). */
  reset(): void {
    this.commands.clear();
    this.time.clear();
  }

  /** Lines for the bench's report, per reminder of `reminders` sent. */
  report(reminders: number): string[] {
    const per = (n: number) => (n / Math.max(1, reminders)).toFixed(2);
    const all = [...this.commands.entries()].sort(([, a], [, b]) => b.count - a.count);
    const writes = all.filter(([key]) => /^(update|insert|delete|findAndModify)\b/.test(key));
    const total = (list: typeof all) => list.reduce((sum, [, v]) => sum + v.count, 0);
    return [
      `reminders: database commands per reminder ${per(total(all))} (writes ${per(total(writes))}): ${all
        .slice(0, 10)
        .map(([key, v]) => `${key} ${per(v.count)} (${(v.ms / v.count).toFixed(1)} ms)`)
        .join(', ')}`,
      `reminders: time per call ${steps
        .map((step) => {
          const t = this.time.get(step);
          return t ? `${step} ${(t.ms / t.count).toFixed(1)} ms × ${per(t.count)}` : `${step} –`;
        })
        .join(', ')} (per reminder)`,
    ];
  }

  private wrap<T extends object>(target: T, name: string, step: Step): void {
    const original: unknown = Reflect.get(target, name);
    if (typeof original !== 'function') return;
    const time = this.time;
    Reflect.set(target, name, async function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        const result: unknown = await Reflect.apply(original, target, args);
        return result;
      } finally {
        const entry = time.get(step) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += performance.now() - t0;
        time.set(step, entry);
      }
    });
  }
}
