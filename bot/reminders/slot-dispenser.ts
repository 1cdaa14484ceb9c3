import type { SendBudget } from '../../storage/send-budget.js';

interface Waiter {
  resolve: (slot: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Hands this process's senders their slots of a shared budget, booking for several waiting
 * senders in one database write. A slot booked but not used (the claim was refused) is given
 * back and handed to the next sender while it is still ahead: booked once, used at most once.
 *
 * @example const at = await dispenser.next(); await sleepUntil(at); await send()
 */
export class SlotDispenser {
  private readonly waiting: Waiter[] = [];
  private readonly spare: number[] = [];
  private pumping = false;

  constructor(
    readonly budget: SendBudget,
    private readonly maxBatch = 8,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The time (ms since the epoch) at which the caller may send one message. */
  next(): Promise<number> {
    const spare = this.takeSpare();
    if (spare !== undefined) return Promise.resolve(spare);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      void this.pump();
    });
  }

  /** A slot from `next()` that will not be used: someone waiting, or the next caller, gets it. */
  giveBack(slot: number): void {
    if (slot <= this.clock()) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(slot);
    else this.spare.push(slot);
  }

  /** The earliest spare slot still ahead; those now past are dropped (sending late bunches). */
  private takeSpare(): number | undefined {
    this.spare.sort((a, b) => a - b);
    const now = this.clock();
    while (this.spare.length > 0) {
      const slot = this.spare.shift();
      if (slot !== undefined && slot > now) return slot;
    }
    return undefined;
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
        for (const slot of slots) {
          // A sender may have been served a given-back slot meanwhile: keep what is left over.
          const waiter = this.waiting.shift();
          if (waiter) waiter.resolve(slot);
          else this.spare.push(slot);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
