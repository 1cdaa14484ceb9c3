import { createECDH } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { parseStored } from './storage-error.js';

/** A VAPID key pair (RFC 8292): P-256, the public key as an uncompressed point; base64url. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const keysId = 'vapid_keys';
const keysDocSchema = z.object({
  _id: z.literal(keysId),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  createdAt: z.date(),
});
type KeysDoc = z.infer<typeof keysDocSchema>;

/**
 * The server's VAPID keys when none are configured: made once and kept in the database, so
 * that every process signs with the same key. Browsers subscribed with the public key; a new
 * key would leave every subscription unusable, so the first one stored is kept for good.
 */
export async function storedVapidKeys(db: Db, now = new Date()): Promise<VapidKeys> {
  const settings = db.collection<KeysDoc>(collectionNames.settings);
  const existing = await settings.findOne({ _id: keysId });
  if (existing !== null) {
    const { publicKey, privateKey } = parseStored(
      keysDocSchema,
      existing,
      `${collectionNames.settings}/${keysId}`,
    );
    return { publicKey, privateKey };
  }
  const keys = newVapidKeys();
  try {
    await settings.insertOne({ _id: keysId, ...keys, createdAt: now });
    return keys;
  } catch (error) {
    // Two processes made a pair at the same time: the first one stored wins.
    if (!isDuplicateKeyError(error)) throw error;
    return storedVapidKeys(db, now);
  }
}

/** A fresh P-256 key pair in the encoding web-push and browsers use. */
export function newVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    // getPrivateKey drops leading zero bytes; web-push wants exactly 32.
    privateKey: Buffer.from(ecdh.getPrivateKey().toString('hex').padStart(64, '0'), 'hex').toString(
      'base64url',
    ),
  };
}
