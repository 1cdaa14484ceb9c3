import { z } from 'zod';
import type { Collection, Db } from 'mongodb';
import { workshopGenders } from '../dialogs/workshop-gender.js';
import { collectionNames } from './collections.js';
import { channelSchema } from './documents.js';
import { checkForWrite, parseStored } from './storage-error.js';
import type { WorkshopContactRepository } from './storage.js';

/**
 * `workshop_contacts`: `_id` is the participant id. Only what the volunteer wrote to be
 * reached, the gender they said for the workshop's balance (if they did), the channel and
 * when; never exported unmasked without an admin asking for it, never with the answers.
 */
export const workshopContactDocSchema = z
  .object({
    _id: z.string(),
    participantId: z.string(),
    consultationId: z.string(),
    email: z.string().optional(),
    phone: z.string().optional(),
    /** Said by the volunteer for the draw's balance (dialogs/workshop-gender-step.ts). */
    gender: z.enum(workshopGenders).optional(),
    channel: channelSchema,
    at: z.date(),
  })
  .refine((doc) => doc.email !== undefined || doc.phone !== undefined || doc.gender !== undefined, {
    message: 'a workshop contact needs an e-mail or a phone number (or a gender)',
  });

export type WorkshopContactDoc = z.infer<typeof workshopContactDocSchema>;
export type StoredWorkshopContact = Omit<WorkshopContactDoc, '_id'>;

/** The contacts on MongoDB (or FerretDB): every read and write by `_id` but the listing. */
export class MongoWorkshopContacts implements WorkshopContactRepository {
  private readonly contacts: Collection<WorkshopContactDoc>;

  constructor(db: Db) {
    this.contacts = db.collection<WorkshopContactDoc>(collectionNames.workshopContacts, {
      ignoreUndefined: true,
    });
  }

  async save(contact: StoredWorkshopContact): Promise<void> {
    const { participantId } = contact;
    const doc = checkForWrite(
      workshopContactDocSchema,
      { _id: participantId, ...contact },
      `workshop_contacts/${participantId}`,
    );
    await this.contacts.replaceOne({ _id: participantId }, doc, { upsert: true });
  }

  async get(participantId: string): Promise<StoredWorkshopContact | null> {
    const raw = await this.contacts.findOne({ _id: participantId });
    return raw === null ? null : stored(raw);
  }

  async *list(consultationId: string): AsyncGenerator<StoredWorkshopContact> {
    const cursor = this.contacts.find({ consultationId: String(consultationId) }).sort({ _id: 1 });
    try {
      for await (const raw of cursor) yield stored(raw);
    } finally {
      await cursor.close();
    }
  }

  async remove(participantId: string): Promise<void> {
    await this.contacts.deleteOne({ _id: participantId });
  }

  async removeAll(consultationId: string): Promise<number> {
    const result = await this.contacts.deleteMany({ consultationId: String(consultationId) });
    return result.deletedCount;
  }
}

const jsonObjectSchema = z.record(z.string(), z.unknown());

function stored(raw: unknown): StoredWorkshopContact {
  const { _id, ...contact } = parseStored(workshopContactDocSchema, raw, 'workshop_contacts');
  return contact;
}

/**
 * After the workshop: deletes every contact (and gender) of a consultation, and the copy a
 * participant's last turn may still hold (`lastTurn.workshopContact`, until their next
 * message). Returns how many contacts there were.
 */
export async function forgetWorkshopContacts(db: Db, consultationId: string): Promise<number> {
  const removed = await new MongoWorkshopContacts(db).removeAll(consultationId);
  const participants = db.collection<{ _id: string; lastTurn?: unknown }>(
    collectionNames.participants,
  );
  // Nested, as documents written before lastTurn became text hold it.
  await participants.updateMany(
    { consultationId: String(consultationId), 'lastTurn.workshopContact': { $exists: true } },
    { $unset: { 'lastTurn.workshopContact': '' } },
  );
  // As JSON text (storage/last-turn-text.ts): rewritten without it, unless a turn came since.
  const cursor = participants.find(
    { consultationId: String(consultationId) },
    { projection: { lastTurn: 1 } },
  );
  for await (const doc of cursor) {
    const text = doc.lastTurn;
    if (typeof text !== 'string' || !text.includes('"workshopContact"')) continue;
    const parsed = jsonObjectSchema.safeParse(JSON.parse(text));
    if (!parsed.success) continue;
    const { workshopContact, ...rest } = parsed.data;
    if (workshopContact === undefined) continue;
    await participants.updateOne(
      { _id: doc._id, lastTurn: text },
      { $set: { lastTurn: JSON.stringify(rest) } },
    );
  }
  return removed;
}
