import type { Collection, Db } from 'mongodb';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { sendBudgetDocSchema, type SendBudgetDoc } from './reminder-documents.js';
import { parseStored } from './storage-error.js';

export interface SendBudgetOptions {
  /** The channel's key (`telegram`): one budget for every process on this database. */
  key: string;
  /** Messages per second, across processes. */
  perSecond: number;
  /** Slots are booked at most this far ahead of now (the rest waits). */
  horizonMs?: number;
  /** Wall clock in ms (shared by processes on one machine; NTP across machines). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A send rate shared through the database, as a GCRA ("virtual scheduling"): one document
 * holds `tat`, the time from which the next message may go. Booking `n` messages moves it on by
 * `n / perSecond` seconds with a compare-and-set, so processes get disjoint slots evenly
 * spaced in time: no more than `perSecond` in any second, even across a second's boundary
 * (which per-second counters allow twice over). Replies sent without booking are `record`ed
 * and push the next slots back; a 429 `pause`s everyone.
 *
 * @example const [at] = await budget.book(1); await sleep(at - Date.now()); send()
 */
export class SendBudget {
  private readonly docs: Collection<SendBudgetDoc>;
  private readonly intervalMs: number;
  private readonly horizonMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * `tat` as this process last wrote it, tried first instead of reading it again: the
   * compare-and-set fails if another process moved it since, and then it is read. Dropped
   * for a while after such a failure (several processes booking in turn).
   */
  private known: number | undefined;
  private unknownFor = 0;

  constructor(
    db: Db,
    private readonly options: SendBudgetOptions,
  ) {
    if (!(options.perSecond > 0)) throw new RangeError('perSecond must be above 0');
    this.docs = db.collection<SendBudgetDoc>(collectionNames.sendBudget);
    this.intervalMs = 1000 / options.perSecond;
    this.horizonMs = options.horizonMs ?? 250;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get perSecond(): number {
    return this.options.perSecond;
  }

  /** Books `count` consecutive slots; returns their times (ms since the epoch), in order. */
  async book(count: number): Promise<number[]> {
    for (;;) {
      const tat = await this.current();
      const now = this.clock();
      const start = Math.max(tat ?? 0, now);
      if (start - now > this.horizonMs) {
        await this.sleep(start - now - this.horizonMs);
        continue;
      }
      if (await this.move(tat, start + count * this.intervalMs))
        return Array.from({ length: count }, (_, i) => start + i * this.intervalMs);
    }
  }

  /** Counts `count` messages sent just now without booking (residents' replies). */
  async record(count: number): Promise<void> {
    for (;;) {
      const tat = await this.current();
      const start = Math.max(tat ?? 0, this.clock());
      if (await this.move(tat, start + count * this.intervalMs)) return;
    }
  }

  /** Nothing is booked before `untilMs` (Telegram said to wait: 429 `retry_after`). */
  async pause(untilMs: number): Promise<void> {
    this.known = undefined;
    await this.docs.updateOne(
      { _id: this.options.key },
      { $max: { tat: untilMs } },
      { upsert: true },
    );
  }

  /** `tat` as last written here when that is likely still true, else as stored. */
  private async current(): Promise<number | undefined> {
    if (this.known !== undefined && this.unknownFor === 0) return this.known;
    if (this.unknownFor > 0) this.unknownFor -= 1;
    return this.read();
  }

  private async read(): Promise<number | undefined> {
    const raw = await this.docs.findOne({ _id: this.options.key });
    if (raw === null) return undefined;
    return parseStored(sendBudgetDocSchema, raw, `send_budget/${this.options.key}`).tat;
  }

  /** Compare and set: `tat` becomes `next` only if it is still `seen`. */
  private async move(seen: number | undefined, next: number): Promise<boolean> {
    const moved = await this.compareAndSet(seen, next);
    if (moved) this.known = next;
    else if (this.known !== undefined) {
      // Another process books too: read before each of the next few tries.
      this.known = undefined;
      this.unknownFor = 8;
    }
    return moved;
  }

  private async compareAndSet(seen: number | undefined, next: number): Promise<boolean> {
    const _id = this.options.key;
    if (seen === undefined) {
      try {
        await this.docs.insertOne({ _id, tat: next });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const result = await this.docs.updateOne({ _id, tat: seen }, { $set: { tat: next } });
    return result.matchedCount === 1;
  }
}
