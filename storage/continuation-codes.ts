import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collections } from './collections.js';
import type { ChannelIdentity } from './conversation-store.js';
import { isDuplicateKeyError } from './duplicate-key.js';

/** No 0/O, 1/I: a code read aloud or copied from another screen is typed right. 32 symbols = 5 bits each. */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const codeLifetimeMinutes = 30;
export const maxWrongTries = 5;
export const wrongTriesWindowMinutes = 10;

/** Only the exact shape `ABCD-EFGH` (any case, any dash) counts as a code, never an ordinary answer. */
const codePattern = /^([A-HJ-NP-Z2-9]{4})[-‐‑–—]([A-HJ-NP-Z2-9]{4})$/i;

const codeDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
});
type CodeDoc = z.infer<typeof codeDocSchema>;
/** One wrong try, counted against an identity for ten minutes. */
interface AttemptDoc {
  _id: string;
  key: string;
  at: Date;
}

export type RedeemOutcome =
  | { kind: 'linked'; participantId: string; moved: boolean }
  | { kind: 'invalid' }
  | { kind: 'too_many' };

/** The normalised code (`ABCDEFGH`) if the text is exactly a continuation code. */
export function continuationCodeOf(text: string): string | undefined {
  const match = codePattern.exec(text.trim());
  return match ? `${match[1]}${match[2]}`.toUpperCase() : undefined;
}

/**
 * Short, single-use, expiring codes to carry a participant's conversation to another channel.
 * 40 random bits per code, 5 wrong tries per identity per 10 minutes: guessing is hopeless.
 *
 * @example const code = await codes.create(participantId, now) // "K7PM-QX3D"
 */
export class ContinuationCodes {
  private readonly codes;
  private readonly attempts;

  constructor(private readonly db: Db) {
    this.codes = db.collection<CodeDoc>('continuation_codes', { ignoreUndefined: true });
    this.attempts = db.collection<AttemptDoc>('continuation_attempts', { ignoreUndefined: true });
  }

  /** TTL indexes where the server has them; `redeem` checks the expiry itself either way. */
  async ensureIndexes(): Promise<void> {
    await this.codes
      .createIndex({ expiresAt: 1 }, { name: 'expires_ttl', expireAfterSeconds: 0 })
      .catch(() => undefined);
    await this.attempts.createIndex({ key: 1, at: 1 }, { name: 'key_at' });
    await this.attempts
      .createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: wrongTriesWindowMinutes * 60 })
      .catch(() => undefined);
  }

  async create(participantId: string, now: Date): Promise<string> {
    for (;;) {
      const code = randomCode();
      const expiresAt = new Date(now.getTime() + codeLifetimeMinutes * 60_000);
      try {
        await this.codes.insertOne({ _id: code, participantId, createdAt: now, expiresAt });
        return `${code.slice(0, 4)}-${code.slice(4)}`;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // one in a trillion: draw again
      }
    }
  }

  /**
   * Uses a code (once: it is deleted as it is read) and attaches the identity to its participant.
   * Wrong codes count against the identity; past the limit, even a right code is refused.
   */
  async redeem(identity: ChannelIdentity, code: string, now: Date): Promise<RedeemOutcome> {
    const key = `${identity.channel}:${identity.externalId}`;
    const since = new Date(now.getTime() - wrongTriesWindowMinutes * 60_000);
    if ((await this.attempts.countDocuments({ key, at: { $gt: since } })) >= maxWrongTries)
      return { kind: 'too_many' };
    const found = await this.codes.findOneAndDelete({ _id: code });
    const doc = found ? codeDocSchema.parse(found) : undefined;
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) {
      await this.attempts.insertOne({ _id: randomUUID(), key, at: now });
      return { kind: 'invalid' };
    }
    const moved = await attachIdentity(this.db, identity, doc.participantId, now);
    return { kind: 'linked', participantId: doc.participantId, moved };
  }
}

/**
 * Points an identity at a participant (its next message continues that participant's session).
 * Returns true when the identity belonged to another participant before: that one's answers
 * stay where they are, no longer reachable from this identity.
 */
export async function attachIdentity(
  db: Db,
  identity: ChannelIdentity,
  participantId: string,
  now: Date,
): Promise<boolean> {
  const c = collections(db);
  const key = `${identity.channel}:${identity.externalId}`;
  const previous = await c.identities.findOne({ _id: key });
  await c.identities.updateOne(
    { _id: key },
    {
      $set: { channel: identity.channel, externalId: identity.externalId, participantId },
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  );
  const moved = previous !== null && previous.participantId !== participantId;
  if (moved)
    await c.participants.updateOne(
      { _id: previous.participantId },
      { $pull: { identities: identity } },
    );
  await c.participants.updateOne({ _id: participantId }, { $addToSet: { identities: identity } });
  return moved;
}

function randomCode(): string {
  return [...randomBytes(8)].map((byte) => alphabet[byte & 31]).join('');
}
