import type { Db } from 'mongodb';
import type { ChannelIdentity } from './conversation-store.js';
import { collections } from './collections.js';

/**
 * The channel refuses to deliver to this person (Telegram 403: the bot was blocked): reminders
 * skip them from now on. Returns whether a participant was found (someone who never got past
 * the first message has none yet).
 */
export async function markUnreachable(
  db: Db,
  identity: ChannelIdentity,
  at = new Date(),
): Promise<boolean> {
  const c = collections(db);
  const link = await c.identities.findOne({ _id: `${identity.channel}:${identity.externalId}` });
  if (!link) return false;
  const result = await c.participants.updateOne(
    { _id: link.participantId },
    { $set: { unreachable: true, updatedAt: at } },
  );
  return result.matchedCount > 0;
}
