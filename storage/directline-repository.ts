import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';

/** A Direct Line conversation: one web user, one growing list of activities. */
export const dlConversationSchema = z.object({
  _id: z.string(),
  userId: z.string(),
  /** The last activity sequence number handed out (activities are numbered from 1). */
  seq: z.int().min(0),
  createdAt: z.date(),
  lastActivityAt: z.date(),
});

/** One stored activity; `activity` is the JSON sent to clients, as sent. */
export const dlActivitySchema = z.object({
  _id: z.string(),
  conversationId: z.string(),
  seq: z.int().min(1),
  /** For the person's own activities: the page's id for it, so a retried send is not doubled. */
  clientActivityId: z.string().optional(),
  /** Set once the bot's replies to this (user) activity are stored. */
  processed: z.boolean().optional(),
  activity: z.record(z.string(), z.unknown()),
  at: z.date(),
});

export type DlConversation = z.infer<typeof dlConversationSchema>;
export type DlActivity = z.infer<typeof dlActivitySchema>;
export type ActivityJson = Record<string, unknown>;

const settingsSchema = z.object({ _id: z.string(), value: z.string(), createdAt: z.date() });
type SettingDoc = z.infer<typeof settingsSchema>;

/**
 * Direct Line conversations and activities in MongoDB, so any bot process serves any
 * conversation and a restart loses nothing. Watermarks are activity sequence numbers.
 * The web channel's DirectLineStore (bot/web/directline-store.ts); indexes and expiry
 * (90 days) are in ensure-indexes.ts and purge-expired.ts.
 */
export class DirectLineRepository {
  private readonly conversations: Collection<DlConversation>;
  private readonly activities: Collection<DlActivity>;
  private readonly settings: Collection<SettingDoc>;

  constructor(db: Db) {
    const options = { ignoreUndefined: true };
    this.conversations = db.collection<DlConversation>(collectionNames.dlConversations, options);
    this.activities = db.collection<DlActivity>(collectionNames.dlActivities, options);
    this.settings = db.collection<SettingDoc>(collectionNames.dlSettings, options);
  }

  /** Creates a conversation with a fresh, unguessable id and user id. */
  async createConversation(now: Date): Promise<DlConversation> {
    const conversation: DlConversation = {
      _id: randomId(18),
      userId: `dl_${randomId(12)}`,
      seq: 0,
      createdAt: now,
      lastActivityAt: now,
    };
    await this.conversations.insertOne(conversation);
    return conversation;
  }

  async findConversation(id: string): Promise<DlConversation | null> {
    const found = await this.conversations.findOne({ _id: id });
    return found ? dlConversationSchema.parse(found) : null;
  }

  /**
   * Appends activities in order: sequence numbers are reserved in one atomic increment, then
   * the activities are written with ids `<conversation>|0000001`. Returns them as stored.
   */
  async append(
    conversationId: string,
    items: { activity: ActivityJson; clientActivityId?: string | undefined }[],
    now: Date,
  ): Promise<DlActivity[]> {
    if (items.length === 0) return [];
    const updated = await this.conversations.findOneAndUpdate(
      { _id: conversationId },
      { $inc: { seq: items.length }, $set: { lastActivityAt: now } },
      { returnDocument: 'after' },
    );
    if (!updated) throw new Error(`no Direct Line conversation ${conversationId}`);
    const first = updated.seq - items.length + 1;
    const docs: DlActivity[] = items.map((item, index) => {
      const seq = first + index;
      const id = activityId(conversationId, seq);
      return {
        _id: id,
        conversationId,
        seq,
        ...(item.clientActivityId ? { clientActivityId: item.clientActivityId } : {}),
        activity: { ...item.activity, id, timestamp: now.toISOString() },
        at: now,
      };
    });
    await this.activities.insertMany(docs, { ordered: true });
    return docs;
  }

  /** Activities after the watermark (a sequence number; empty means from the start). */
  async listAfter(conversationId: string, watermark: number, limit = 100): Promise<DlActivity[]> {
    const found = await this.activities
      .find({ conversationId, seq: { $gt: watermark } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return found.map((doc) => dlActivitySchema.parse(doc));
  }

  async findByClientId(
    conversationId: string,
    clientActivityId: string,
  ): Promise<DlActivity | null> {
    const found = await this.activities.findOne({ conversationId, clientActivityId });
    return found ? dlActivitySchema.parse(found) : null;
  }

  /** Forgets what was said in a conversation (the person deleted their data); the conversation stays usable. */
  async deleteActivities(conversationId: string): Promise<void> {
    await this.activities.deleteMany({ conversationId });
  }

  async markProcessed(id: string): Promise<void> {
    await this.activities.updateOne({ _id: id }, { $set: { processed: true } });
  }

  /** A setting generated once and shared by every process (the first writer wins). */
  async getOrCreateSetting(key: string, create: () => string, now: Date): Promise<string> {
    const existing = await this.settings.findOne({ _id: key });
    if (existing) return settingsSchema.parse(existing).value;
    try {
      await this.settings.insertOne({ _id: key, value: create(), createdAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const stored = await this.settings.findOne({ _id: key });
    if (!stored) throw new Error(`setting ${key} vanished right after being written`);
    return settingsSchema.parse(stored).value;
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
