import { randomBytes } from 'node:crypto';
import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { z } from 'zod';
import type {
  ClientActivityRecord,
  ConversationOrigin,
  DirectLineConversation,
  DirectLineStore,
  NewActivity,
  StoredActivity,
} from '../bot/web/directline-store.js';
import { collectionNames } from './collections.js';
import { duplicateKeyCode, isDuplicateKeyError, writeErrorsOf } from './duplicate-key.js';
import { directLineRetentionDays } from './ensure-indexes.js';

/** A Direct Line conversation (see DirectLineConversation); defaults read documents of before 2026-12-02. */
export const dlConversationSchema = z.object({
  _id: z.string(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  origin: z.enum(['page', 'directline']).default('page'),
  seq: z.int().min(0),
  tokenGeneration: z.int().min(0).default(0),
  consented: z.boolean().default(false),
  lastClientActivityId: z.string().optional(),
  preConsent: z.array(z.int()).default([]),
  endedAt: z.date().optional(),
  expiresAt: z.date().optional(),
  createdAt: z.date(),
  lastActivityAt: z.date(),
});

/** One activity, `_id` `<conversation>|<seq>`; `activity` is the JSON sent to clients, as sent. */
export const dlActivitySchema = z.object({
  _id: z.string(),
  conversationId: z.string(),
  seq: z.int().min(1),
  key: z.string().optional(),
  activity: z.record(z.string(), z.unknown()),
  at: z.date(),
  expiresAt: z.date().optional(),
});

/** `_id` `<conversation>|<clientActivityId>`: the person's activity and its replies come after `after`. */
export const dlClientIdSchema = z.object({
  _id: z.string(),
  conversationId: z.string(),
  after: z.int().min(0),
  done: z.boolean().optional(),
  at: z.date(),
  expiresAt: z.date(),
});

export type DlConversation = z.infer<typeof dlConversationSchema>;
type ConversationDoc = z.input<typeof dlConversationSchema>;
type ActivityDoc = z.infer<typeof dlActivitySchema>;
type ClientIdDoc = z.infer<typeof dlClientIdSchema>;

const settingsSchema = z.object({ _id: z.string(), value: z.string(), createdAt: z.date() });
type SettingDoc = z.infer<typeof settingsSchema>;

const dayMs = 86_400_000;
/** The most numbers one `$in` names (FerretDB's pushdown takes up to 10,000). */
const maxIds = 500;
/** How far past a conversation's seq a writer that died may have written (one turn's replies). */
const lagWindow = 30;
/** A writer racing another on one conversation skips taken numbers; this many times at most. */
const maxSkips = 100;

/**
 * Direct Line conversations and activities in MongoDB, so any bot process serves any
 * conversation and a restart loses nothing. Every operation is by `_id`: a poll reads the
 * conversation (its seq) then the activities between the watermark and it by `$in`; a POST
 * claims its client id by inserting `<conversation>|<clientActivityId>`. Writers insert first
 * and then move the conversation's seq (`advance`), so readers never skip an activity being
 * written. Indexes and expiry are in ensure-indexes.ts and purge-expired.ts.
 */
export class DirectLineRepository implements DirectLineStore {
  private readonly conversations: Collection<ConversationDoc>;
  private readonly activities: Collection<ActivityDoc>;
  private readonly clientIds: Collection<ClientIdDoc>;
  private readonly settings: Collection<SettingDoc>;

  constructor(db: Db) {
    const options = { ignoreUndefined: true };
    this.conversations = db.collection<ConversationDoc>(collectionNames.dlConversations, options);
    this.activities = db.collection<ActivityDoc>(collectionNames.dlActivities, options);
    this.clientIds = db.collection<ClientIdDoc>(collectionNames.dlClientIds, options);
    this.settings = db.collection<SettingDoc>(collectionNames.dlSettings, options);
  }

  async createConversation(
    options: {
      origin: ConversationOrigin;
      user?: { id: string; name?: string | undefined } | null;
    },
    now: Date,
  ): Promise<DirectLineConversation> {
    const user = options.user === undefined ? { id: `dl_${randomId(12)}` } : options.user;
    const conversation: DirectLineConversation = {
      _id: randomId(18),
      ...(user ? { userId: user.id } : {}),
      ...(user?.name ? { userName: user.name } : {}),
      origin: options.origin,
      seq: 0,
      tokenGeneration: 0,
      consented: false,
      preConsent: [],
      createdAt: now,
      lastActivityAt: now,
    };
    await this.conversations.insertOne(conversation);
    return conversation;
  }

  async findConversation(id: string, now = new Date()): Promise<DirectLineConversation | null> {
    const found = await this.conversations.findOne({ _id: id });
    if (!found) return null;
    const conversation = dlConversationSchema.parse(found);
    return conversation.expiresAt && conversation.expiresAt <= now ? null : conversation;
  }

  async conversationSeqs(ids: readonly string[], now = new Date()): Promise<Map<string, number>> {
    const seqs = new Map<string, number>();
    for (let first = 0; first < ids.length; first += maxIds) {
      const chunk = ids.slice(first, first + maxIds);
      const found = await this.conversations
        .find({ _id: { $in: chunk } }, { projection: { seq: 1, expiresAt: 1 } })
        .toArray();
      for (const doc of found)
        if (!(doc.expiresAt && doc.expiresAt <= now)) seqs.set(doc._id, doc.seq);
    }
    return seqs;
  }

  async activitiesBetween(
    conversationId: string,
    after: number,
    upTo: number,
    now: Date,
  ): Promise<StoredActivity[]> {
    const ids = numbered(conversationId, after + 1, Math.min(upTo, after + maxIds));
    if (ids.length === 0) return [];
    const found = await this.activities.find({ _id: { $in: ids } }).toArray();
    return found
      .map((doc) => dlActivitySchema.parse(doc))
      .filter((doc) => doc.expiresAt === undefined || doc.expiresAt > now)
      .sort((a, b) => a.seq - b.seq);
  }

  async insertFrom(
    conversationId: string,
    from: number,
    items: readonly NewActivity[],
    now: Date,
  ): Promise<StoredActivity[]> {
    const stored: StoredActivity[] = [];
    let next = Math.max(1, from);
    let pending = [...items];
    for (let skips = 0; pending.length > 0; skips += 1) {
      if (skips > maxSkips)
        throw new Error(`Direct Line conversation ${conversationId}: no free activity number`);
      const docs = pending.map((item, index) =>
        activityDoc(conversationId, next + index, item, now),
      );
      const written = await this.insertOrdered(docs);
      stored.push(...docs.slice(0, written));
      pending = pending.slice(written);
      // The number after the ones written is taken (another writer): go on past it.
      next += written + 1;
    }
    return stored;
  }

  async advance(
    conversationId: string,
    seq: number,
    now: Date,
    update: Partial<
      Pick<DirectLineConversation, 'lastClientActivityId' | 'consented' | 'preConsent'>
    > = {},
  ): Promise<void> {
    const fields = { lastActivityAt: now, ...update };
    const moved = await this.conversations.updateOne(
      { _id: conversationId, seq: { $lt: seq } },
      { $set: { seq, ...fields } },
    );
    if (moved.matchedCount === 0 && Object.keys(update).length > 0)
      await this.conversations.updateOne({ _id: conversationId }, { $set: fields });
  }

  async append(
    conversationId: string,
    items: readonly NewActivity[],
    now: Date,
  ): Promise<StoredActivity[]> {
    if (items.length === 0) return [];
    const conversation = await this.findConversation(conversationId, now);
    if (!conversation) throw new Error(`no Direct Line conversation ${conversationId}`);
    const stored = await this.insertFrom(conversationId, conversation.seq + 1, items, now);
    const last = stored.at(-1);
    if (last) await this.advance(conversationId, last.seq, now);
    return stored;
  }

  async repairLag(conversation: DirectLineConversation, now: Date): Promise<number> {
    const ids = numbered(conversation._id, conversation.seq + 1, conversation.seq + lagWindow);
    const found = await this.activities
      .find({ _id: { $in: ids } }, { projection: { seq: 1 } })
      .toArray();
    const highest = Math.max(conversation.seq, ...found.map((doc) => doc.seq));
    if (highest > conversation.seq) await this.advance(conversation._id, highest, now);
    return highest;
  }

  async claimClientActivity(
    record: Omit<ClientActivityRecord, '_id' | 'done'> & { clientActivityId: string },
  ): Promise<{ fresh: true } | { fresh: false; claimed: ClientActivityRecord }> {
    const { clientActivityId, ...fields } = record;
    const _id = clientIdKey(record.conversationId, clientActivityId);
    try {
      await this.clientIds.insertOne({ _id, ...fields });
      return { fresh: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const found = await this.clientIds.findOne({ _id });
    if (!found) throw new Error(`client activity record ${_id} vanished right after a conflict`);
    return { fresh: false, claimed: dlClientIdSchema.parse(found) };
  }

  async deleteActivities(conversationId: string, seqs: readonly number[]): Promise<void> {
    for (let first = 0; first < seqs.length; first += maxIds) {
      const ids = seqs.slice(first, first + maxIds).map((seq) => activityId(conversationId, seq));
      const keyed = await this.activities
        .find({ _id: { $in: ids } }, { projection: { key: 1 } })
        .toArray();
      const clientKeys = keyed.flatMap((doc) =>
        doc.key?.startsWith('c:') ? [clientIdKey(conversationId, doc.key.slice(2))] : [],
      );
      if (clientKeys.length > 0) await this.clientIds.deleteMany({ _id: { $in: clientKeys } });
      await this.activities.deleteMany({ _id: { $in: ids } });
    }
  }

  async endConversation(
    conversation: DirectLineConversation,
    farewell: readonly NewActivity[],
    until: Date,
    now: Date,
  ): Promise<number> {
    const { _id } = conversation;
    const top = await this.repairLag(conversation, now);
    const all = Array.from({ length: top }, (_, index) => index + 1);
    await this.deleteActivities(_id, all);
    const stored = await this.insertFrom(
      _id,
      top + 1,
      farewell.map((item) => ({ activity: item.activity, expiresAt: until })),
      now,
    );
    const seq = stored.at(-1)?.seq ?? top;
    await this.conversations.updateOne(
      { _id },
      {
        $set: {
          seq,
          consented: false,
          preConsent: [],
          endedAt: now,
          expiresAt: until,
          lastActivityAt: now,
        },
        $unset: { userId: '', userName: '', lastClientActivityId: '' },
      },
    );
    return seq;
  }

  async nextTokenGeneration(conversationId: string, from: number): Promise<boolean> {
    const moved = await this.conversations.updateOne(
      { _id: conversationId, tokenGeneration: from },
      { $set: { tokenGeneration: from + 1 } },
    );
    return moved.modifiedCount === 1;
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

  /**
   * Inserts in order; returns how many were written before a taken number. Any other failure
   * is rethrown without the documents (a driver error carries them, and they hold what the
   * person wrote: it must never reach a log).
   */
  private async insertOrdered(docs: ActivityDoc[]): Promise<number> {
    try {
      await this.activities.insertMany(docs, { ordered: true });
      return docs.length;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const [first] = writeErrorsOf(error);
      if (first?.code === duplicateKeyCode) return first.index;
      throw new Error(
        `could not write Direct Line activities (code ${String(first?.code ?? error.code)})`,
      );
    }
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

export function clientIdKey(conversationId: string, clientActivityId: string): string {
  return `${conversationId}|${clientActivityId}`;
}

/** The ids of activities `from` to `to` of a conversation. */
function numbered(conversationId: string, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let seq = Math.max(1, from); seq <= to; seq += 1) ids.push(activityId(conversationId, seq));
  return ids;
}

function activityDoc(
  conversationId: string,
  seq: number,
  item: NewActivity,
  now: Date,
): ActivityDoc {
  const _id = activityId(conversationId, seq);
  return {
    _id,
    conversationId,
    seq,
    ...(item.key === undefined ? {} : { key: item.key }),
    activity: { ...item.activity, id: _id, timestamp: now.toISOString() },
    at: now,
    expiresAt: item.expiresAt ?? new Date(now.getTime() + directLineRetentionDays * dayMs),
  };
}

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
