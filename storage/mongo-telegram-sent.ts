import type { Collections } from './collections.js';
import { telegramSentDocSchema, type TelegramSentDoc } from './documents.js';
import { InsertBatcher } from './insert-batcher.js';
import { checkForWrite, parseStored } from './storage-error.js';
import type { TelegramSentRepository } from './storage.js';

/** Telegram redelivers an update for up to 24 hours; a record outlives that with a margin. */
export const telegramSentDays = 2;

const dayMs = 86_400_000;

/**
 * `telegram_sent` on MongoDB: one tiny document per message, `_id` `<inboundId>|<index>`,
 * inserted through the group commit (one `insertMany` for the records of concurrent turns),
 * read back with one `_id $in` (answered from the `_id` index, FerretDB v1 included).
 */
export class MongoTelegramSent implements TelegramSentRepository {
  private readonly inserts: InsertBatcher<TelegramSentDoc>;

  constructor(private readonly c: Collections) {
    this.inserts = new InsertBatcher(c.telegramSent);
  }

  async record(inboundId: string, index: number, at: Date): Promise<void> {
    const _id = sentId(inboundId, index);
    const expiresAt = new Date(at.getTime() + telegramSentDays * dayMs);
    const doc = checkForWrite(telegramSentDocSchema, { _id, expiresAt }, `telegram_sent/${_id}`);
    await this.inserts.insert(doc); // 'duplicate': recorded by an earlier delivery
  }

  async sent(inboundId: string, count: number): Promise<Set<number>> {
    if (count < 1) return new Set();
    const ids = Array.from({ length: count }, (_, index) => sentId(inboundId, index));
    const found = await this.c.telegramSent
      .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
      .toArray();
    const indexes = found.map((raw) =>
      ids.indexOf(parseStored(sentIdSchema, raw, 'telegram_sent')._id),
    );
    return new Set(indexes.filter((index) => index >= 0));
  }
}

const sentIdSchema = telegramSentDocSchema.pick({ _id: true });

/** `<inboundId>|<index>`: `|` appears in no inbound id (`tg:<bot>:<update>`). */
export function sentId(inboundId: string, index: number): string {
  return `${inboundId}|${index}`;
}
