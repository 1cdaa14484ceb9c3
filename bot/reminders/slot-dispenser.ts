import type { SendBudget } from '../../storage/send-budget.js';

interface Waiter {
  resolve: (slot: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Hands this process's senders their slots of a shared budget, booking for several waiting
 * senders in one database write.
 *
 * @example const at = await dispenser.next(); await sleepUntil(at); await send()
 */
export class SlotDispenser {
  private readonly waiting: Waiter[] = [];
  private pumping = false;

  constructor(
    readonly budget: SendBudget,
    private readonly maxBatch = 4,
  ) {}

  /** The time (ms since the epoch) at which the caller may send one message. */
  next(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const count = Math.min(this.waiting.length, this.maxBatch);
        let slots: number[];
        try {
          slots = await this.budget.book(count);
        } catch (error) {
          for (const waiter of this.waiting.splice(0, count)) waiter.reject(error);
          continue;
        }
        for (const slot of slots) this.waiting.shift()?.resolve(slot);
      }
    } finally {
      this.pumping = false;
    }
  }
}
