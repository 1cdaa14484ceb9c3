import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { identityKey, type ChannelIdentity } from './identity.js';
import { checkForWrite, parseStored } from './storage-error.js';

/**
 * A browser's Web Push subscription as the page sends it (`PushSubscription.toJSON()`): the
 * push service's address for this browser and the keys that encrypt what is sent there.
 */
export const pushSubscriptionSchema = z.object({
  /** Push services are https; the address is long but not unbounded. */
  endpoint: z.url({ protocol: /^https$/ }).max(2048),
  /** Milliseconds since the epoch when the push service will drop it, if it says. */
  expirationTime: z.number().int().nullable().optional(),
  keys: z.object({
    /** The browser's P-256 public key: 65 bytes, uncompressed point (0x04…), base64url. */
    p256dh: z
      .string()
      .regex(/^[A-Za-z0-9_-]{87}=?$/, 'a base64url P-256 public key (65 bytes)')
      .refine((v) => Buffer.from(v, 'base64url')[0] === 4, 'an uncompressed point (0x04…)'),
    /** The 16-byte authentication secret, base64url. */
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'a base64url secret of 16 bytes'),
  }),
});

export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

/**
 * One document per participant (`_id` = participant id): their last browser's subscription.
 * `identity` is the web identity that subscribed, so a subscription never follows an identity
 * that a continuation code moved to someone else.
 */
const pushSubscriptionDocSchema = z.object({
  _id: z.string(),
  identity: z.string(),
  subscription: pushSubscriptionSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
});

type PushSubscriptionDoc = z.infer<typeof pushSubscriptionDocSchema>;

export interface StoredPushSubscription {
  participantId: string;
  /** `web:<externalId>`, as identityKey gives it. */
  identity: string;
  subscription: PushSubscriptionJson;
  updatedAt: Date;
}

/** Where reminders by Web Push find their address; read, write, delete by participant. */
export interface PushSubscriptionStore {
  /** Keeps the participant's subscription, replacing the one before (another browser's too). */
  save(
    participantId: string,
    identity: ChannelIdentity,
    subscription: PushSubscriptionJson,
    now: Date,
  ): Promise<void>;
  get(participantId: string): Promise<StoredPushSubscription | null>;
  /**
   * Removes the participant's subscription; with `endpoint`, only if it is still that one (a
   * push service said it is gone while the browser may already have sent a new one).
   */
  remove(participantId: string, endpoint?: string): Promise<void>;
}

/**
 * The subscriptions in MongoDB, every access by `_id` (the only filter FerretDB v1 indexes).
 *
 * @example await new MongoPushSubscriptions(db).get(participantId)
 */
export class MongoPushSubscriptions implements PushSubscriptionStore {
  private readonly docs: Collection<PushSubscriptionDoc>;

  constructor(db: Db) {
    this.docs = db.collection<PushSubscriptionDoc>(collectionNames.pushSubscriptions, {
      ignoreUndefined: true,
    });
  }

  async save(
    participantId: string,
    identity: ChannelIdentity,
    subscription: PushSubscriptionJson,
    now: Date,
  ): Promise<void> {
    const doc = checkForWrite(
      pushSubscriptionDocSchema,
      {
        _id: participantId,
        identity: identityKey(identity),
        subscription,
        createdAt: now,
        updatedAt: now,
      },
      where(participantId),
    );
    await this.docs.updateOne(
      { _id: participantId },
      {
        $set: { identity: doc.identity, subscription: doc.subscription, updatedAt: now },
        $setOnInsert: { createdAt: now },
      },
      { upsert: true },
    );
  }

  async get(participantId: string): Promise<StoredPushSubscription | null> {
    const found = await this.docs.findOne({ _id: participantId });
    if (found === null) return null;
    const doc = parseStored(pushSubscriptionDocSchema, found, where(participantId));
    return storedOf(doc);
  }

  async remove(participantId: string, endpoint?: string): Promise<void> {
    await this.docs.deleteOne(
      endpoint === undefined
        ? { _id: participantId }
        : { _id: participantId, 'subscription.endpoint': endpoint },
    );
  }
}

/** The same in memory, for storage/memory-storage.ts. */
export function memoryPushSubscriptions(): PushSubscriptionStore {
  const docs = new Map<string, PushSubscriptionDoc>();
  return {
    async save(participantId, identity, subscription, now) {
      const createdAt = docs.get(participantId)?.createdAt ?? now;
      const doc = {
        _id: participantId,
        identity: identityKey(identity),
        subscription: structuredClone(subscription),
        createdAt,
        updatedAt: now,
      };
      docs.set(participantId, checkForWrite(pushSubscriptionDocSchema, doc, where(participantId)));
    },
    async get(participantId) {
      const doc = docs.get(participantId);
      return doc === undefined ? null : storedOf(structuredClone(doc));
    },
    async remove(participantId, endpoint) {
      const doc = docs.get(participantId);
      if (doc && (endpoint === undefined || doc.subscription.endpoint === endpoint))
        docs.delete(participantId);
    },
  };
}

function storedOf(doc: PushSubscriptionDoc): StoredPushSubscription {
  return {
    participantId: doc._id,
    identity: doc.identity,
    subscription: doc.subscription,
    updatedAt: doc.updatedAt,
  };
}

function where(participantId: string): string {
  return `${collectionNames.pushSubscriptions}/${participantId}`;
}
