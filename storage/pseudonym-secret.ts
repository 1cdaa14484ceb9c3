import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { parseStored } from './storage-error.js';

const settingsCollection = collectionNames.settings;
const secretId = 'pseudonym_secret';
const secretDocSchema = z.object({ _id: z.literal(secretId), value: z.string().min(32) });

/**
 * The secret that keys participant pseudonyms in exports when none is configured: made once
 * at random and kept in the database, so exports stay linkable from one run to the next.
 * A configured secret (kept outside the database) protects pseudonyms better.
 */
export async function pseudonymSecret(db: Db): Promise<string> {
  const settings = db.collection<{ _id: string; value: string }>(settingsCollection);
  const existing = await settings.findOne({ _id: secretId });
  if (existing !== null)
    return parseStored(secretDocSchema, existing, `${settingsCollection}/${secretId}`).value;
  const value = randomBytes(32).toString('hex');
  try {
    await settings.insertOne({ _id: secretId, value });
    return value;
  } catch (error) {
    // Two processes made one at the same time: the first one stored wins.
    if (!isDuplicateKeyError(error)) throw error;
    return pseudonymSecret(db);
  }
}
