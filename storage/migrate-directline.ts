import type { Db } from 'mongodb';
import { collectionNames as n } from './collections.js';
import { clientIdKey } from './directline-repository.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { directLineRetentionDays } from './ensure-indexes.js';

const dayMs = 86_400_000;
const batch = 500;
/** Older activities cannot be retried by a page any more (its outbox sends within seconds). */
const recentDays = 7;

/**
 * Direct Line by `_id` only (2026-12-02). Conversations get their new fields: `origin`
 * (`page`), `tokenGeneration` 0, `consented` (read from their participant), `preConsent`. The
 * person's activities of the last seven days get a `dl_client_ids` record
 * (`<conversation>|<clientActivityId>`, `done` when their replies were stored) and a `key`,
 * so that a page retrying one of them after the upgrade gets it once. Older activities keep
 * their fields of before, which nothing reads any more (they expire at 90 days as before).
 */
export async function migrateDirectLine(db: Db): Promise<Record<string, number>> {
  const conversations = db.collection<{
    _id: string;
    userId?: string;
    origin?: string;
  }>(n.dlConversations);
  const identities = db.collection<{ _id: string; participantId: string }>(n.identities);
  const participants = db.collection<{ _id: string; consent?: unknown }>(n.participants);
  let migrated = 0;
  let consented = 0;
  let page: { _id: string; userId?: string }[] = [];
  const flush = async () => {
    const keys = page.flatMap((c) => (c.userId ? [`web:${c.userId}`] : []));
    const owners = await identities.find({ _id: { $in: keys } }).toArray();
    const ids = owners.map((o) => o.participantId);
    const agreed = new Set(
      (await participants.find({ _id: { $in: ids } }, { projection: { consent: 1 } }).toArray())
        .filter((p) => p.consent !== undefined && p.consent !== null)
        .map((p) => p._id),
    );
    const byKey = new Map(owners.map((o) => [o._id, agreed.has(o.participantId)]));
    for (const conversation of page) {
      const yes = byKey.get(`web:${conversation.userId}`) === true;
      await conversations.updateOne(
        { _id: conversation._id },
        { $set: { origin: 'page', tokenGeneration: 0, consented: yes, preConsent: [] } },
      );
      migrated += 1;
      if (yes) consented += 1;
    }
    page = [];
  };
  for await (const conversation of conversations.find(
    { origin: { $exists: false } },
    { projection: { userId: 1 } },
  )) {
    page.push(conversation);
    if (page.length >= batch) await flush();
  }
  if (page.length > 0) await flush();

  const activities = db.collection<{
    _id: string;
    conversationId: string;
    seq: number;
    clientActivityId?: string;
    processed?: boolean;
    at: Date;
  }>(n.dlActivities);
  const clientIds = db.collection<{
    _id: string;
    conversationId: string;
    after: number;
    done?: boolean;
    at: Date;
    expiresAt: Date;
  }>(n.dlClientIds);
  const since = new Date(Date.now() - recentDays * dayMs);
  let clientRecords = 0;
  for await (const activity of activities.find({
    clientActivityId: { $exists: true },
    at: { $gte: since },
  })) {
    const clientActivityId = activity.clientActivityId ?? '';
    try {
      await clientIds.insertOne({
        _id: clientIdKey(activity.conversationId, clientActivityId),
        conversationId: activity.conversationId,
        after: activity.seq - 1,
        ...(activity.processed === true ? { done: true } : {}),
        at: activity.at,
        expiresAt: new Date(activity.at.getTime() + directLineRetentionDays * dayMs),
      });
      clientRecords += 1;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    await activities.updateOne({ _id: activity._id }, { $set: { key: `c:${clientActivityId}` } });
  }
  return { conversations: migrated, consented, clientRecords };
}
