import { randomBytes, randomUUID } from 'node:crypto';
import { continuationCodeMinutes } from '../dialogs/continuation-step.js';
import type { Collections } from './collections.js';
import { codeDocSchema } from './documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { identityKey, type ChannelIdentity } from './identity.js';
import { StorageError, parseStored } from './storage-error.js';
import type { ContinuationCodeRepository, RedeemResult } from './storage.js';

/** No 0/O, 1/I: a code read aloud or copied from another screen is typed right. 32 symbols = 5 bits each. */
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const maxWrongTries = 5;
export const wrongTriesWindowMinutes = 10;

/**
 * A fresh continuation code as the person sees it (`K7QH-M3PX`): 40 random bits; with 5 wrong
 * tries per identity per 10 minutes, guessing is hopeless.
 */
export function newContinuationCode(): string {
  const code = [...randomBytes(8)].map((byte) => alphabet[byte & 31]).join('');
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The expiry of a code issued at `at`. */
export function codeExpiry(at: Date): Date {
  return new Date(at.getTime() + continuationCodeMinutes * 60_000);
}

/** `continuation_codes` and `continuation_attempts` on MongoDB (TTL indexes in ensure-indexes.ts). */
export class MongoContinuationCodes implements ContinuationCodeRepository {
  constructor(private readonly c: Collections) {}

  async issue(code: string, participantId: string, at: Date): Promise<void> {
    try {
      await this.c.continuationCodes.insertOne({
        _id: code,
        participantId,
        createdAt: at,
        expiresAt: codeExpiry(at),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.c.continuationCodes.findOne({ _id: code });
      // A replay of the same turn finds its own code; another participant's is one in a trillion.
      if (existing?.participantId !== participantId)
        throw new StorageError('invalid_argument', 'continuation code already taken', {
          cause: error,
        });
    }
  }

  async redeem(identity: ChannelIdentity, code: string, now: Date): Promise<RedeemResult> {
    const key = identityKey(identity);
    const since = new Date(now.getTime() - wrongTriesWindowMinutes * 60_000);
    if (
      (await this.c.continuationAttempts.countDocuments({ key, at: { $gt: since } })) >=
      maxWrongTries
    )
      return { kind: 'too_many' };
    // Deleted as it is read: a code works once.
    const found = await this.c.continuationCodes.findOneAndDelete({ _id: code });
    const doc =
      found === null ? undefined : parseStored(codeDocSchema, found, `continuation_codes/${code}`);
    if (doc === undefined || doc.expiresAt.getTime() <= now.getTime()) {
      await this.c.continuationAttempts.insertOne({ _id: randomUUID(), key, at: now });
      return { kind: 'invalid' };
    }
    return { kind: 'valid', participantId: doc.participantId };
  }

  async removeFor(participantId: string): Promise<void> {
    // Small collections (codes live 30 minutes, wrong tries 10): scanning them is cheap anywhere.
    await this.c.continuationCodes.deleteMany({ participantId });
    // The wrong tries name the chat (`web:dl_…`, `telegram:123`): they go with the person.
    const participant = await this.c.participants.findOne(
      { _id: participantId },
      { projection: { identities: 1 } },
    );
    const keys = (participant?.identities ?? []).map((identity) => identityKey(identity));
    if (keys.length > 0) await this.c.continuationAttempts.deleteMany({ key: { $in: keys } });
  }
}
