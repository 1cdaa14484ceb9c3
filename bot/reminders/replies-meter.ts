import type { SendBudget } from '../../storage/send-budget.js';
import type { Logger } from '../logger.js';

/**
 * Counts the messages a channel sends to residents (replies, never held back) into the shared
 * budget, a few times a second, so that reminders of every process leave room for them.
 */
export class RepliesMeter {
  private pending = 0;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly budget: SendBudget,
    private readonly log: Logger,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** One message went out (called by the channel after the API accepted it). */
  count(messages = 1): void {
    this.pending += messages;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const count = this.pending;
      if (count === 0) return;
      this.pending = 0;
      await this.budget
        .record(count)
        .catch((error: unknown) => this.log.warn({ err: error }, 'reminders: budget not updated'));
    });
    return this.flushing;
  }
}
