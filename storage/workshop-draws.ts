import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { collectionNames } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { checkForWrite, parseStored } from './storage-error.js';

/**
 * `workshop_draws`: one document per consultation and seed (`_id` "<consultationId>:<seed>"),
 * the draw as it was made, so invitations go to that list and nobody else.
 */
export const workshopDrawDocSchema = z.object({
  _id: z.string(),
  consultationId: z.string(),
  seed: z.string(),
  seats: z.int().min(0),
  balance: z.array(z.string()),
  volunteers: z.int().min(0),
  /** Volunteers nothing could reach were in the pool too. */
  includeUnreachable: z.boolean().optional(),
  /** Who ran it: an admin's name, or « command line ». */
  by: z.string().optional(),
  at: z.date(),
  drawn: z.array(
    z.object({
      participantId: z.string(),
      key: z.string(),
      stratum: z.int().min(0),
      rank: z.int().min(1),
    }),
  ),
});

/** `workshop_invitations`: `_id` "<draw id>:<participantId>", one per drawn volunteer. */
export const workshopInvitationDocSchema = z.object({
  _id: z.string(),
  drawId: z.string(),
  participantId: z.string(),
  route: z.enum(['telegram', 'email', 'sms', 'web_push', 'none']),
  /**
   * `sent` by the channel; `held` for their next visit (the web without push) then `shown`;
   * `uncertain`: the push service may have taken it (never sent again); `manual`: no
   * transport for it here, someone writes to them; `failed` is tried again by the next run.
   */
  status: z.enum(['sent', 'held', 'shown', 'unreachable', 'uncertain', 'failed', 'manual']),
  at: z.date(),
  error: z.string().optional(),
});

export type WorkshopDrawDoc = z.infer<typeof workshopDrawDocSchema>;
export type WorkshopInvitationDoc = z.infer<typeof workshopInvitationDocSchema>;

export function drawIdOf(consultationId: string, seed: string): string {
  return `${consultationId}:${seed}`;
}

/**
 * Records a draw. Drawing again with the same seed and the same result changes nothing;
 * a different result (the volunteers changed since) is refused unless `replace`, so that the
 * invitations already sent keep matching the published list.
 */
export async function saveDraw(
  db: Db,
  draw: Omit<WorkshopDrawDoc, '_id'>,
  options: { replace?: boolean } = {},
): Promise<'saved' | 'unchanged' | 'different'> {
  const draws = drawCollection(db);
  const _id = drawIdOf(draw.consultationId, draw.seed);
  const doc = checkForWrite(workshopDrawDocSchema, { _id, ...draw }, `workshop_draws/${_id}`);
  const before = await findDraw(db, draw.consultationId, draw.seed);
  if (before !== null && !options.replace) {
    const same =
      JSON.stringify(before.drawn) === JSON.stringify(doc.drawn) && before.seats === doc.seats;
    return same ? 'unchanged' : 'different';
  }
  try {
    await draws.replaceOne({ _id }, doc, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return saveDraw(db, draw, options);
  }
  return 'saved';
}

export async function findDraw(
  db: Db,
  consultationId: string,
  seed: string,
): Promise<WorkshopDrawDoc | null> {
  const _id = drawIdOf(consultationId, seed);
  const raw = await drawCollection(db).findOne({ _id });
  return raw === null ? null : parseStored(workshopDrawDocSchema, raw, `workshop_draws/${_id}`);
}

/** The draws of a consultation, the latest first. */
export async function listDraws(db: Db, consultationId: string): Promise<WorkshopDrawDoc[]> {
  const docs = await drawCollection(db)
    .find({ consultationId: String(consultationId) })
    .toArray();
  return docs
    .map((raw) => parseStored(workshopDrawDocSchema, raw, `workshop_draws/${raw._id}`))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

/**
 * Keeps an invitation for the participant's next visit (a channel that cannot notify them):
 * their next turn says it first and records it `shown` (bot/handle-turn.ts). A new version,
 * so that a process that committed them last reads them again (storage/recent-commits.ts).
 */
export async function holdInvitation(
  db: Db,
  invitation: { drawId: string; participantId: string; text: string; at: Date },
): Promise<boolean> {
  const { drawId, participantId, text, at } = invitation;
  const result = await db
    .collection<{ _id: string }>(collectionNames.participants)
    .updateOne(
      { _id: String(participantId) },
      { $set: { workshopInvitation: { drawId, text, at } }, $inc: { version: 1 } },
    );
  return result.matchedCount === 1;
}

/** A held invitation was said to the participant: `shown` (once; any other status stays). */
export async function markInvitationShown(
  db: Db,
  drawId: string,
  participantId: string,
  at: Date,
): Promise<void> {
  await invitationCollection(db).updateOne(
    { _id: `${drawId}:${participantId}`, status: 'held' },
    { $set: { status: 'shown', at } },
  );
}

/** Records what became of one invitation (the last attempt wins). */
export async function recordInvitation(
  db: Db,
  invitation: Omit<WorkshopInvitationDoc, '_id'>,
): Promise<void> {
  const _id = `${invitation.drawId}:${invitation.participantId}`;
  const doc = checkForWrite(
    workshopInvitationDocSchema,
    { _id, ...invitation },
    `workshop_invitations/${_id}`,
  );
  await invitationCollection(db).replaceOne({ _id }, doc, { upsert: true });
}

/** The invitations of a draw, by participant id. */
export async function invitationsOf(
  db: Db,
  drawId: string,
): Promise<Map<string, WorkshopInvitationDoc>> {
  const found = new Map<string, WorkshopInvitationDoc>();
  for await (const raw of invitationCollection(db).find({ drawId: String(drawId) })) {
    const doc = parseStored(workshopInvitationDocSchema, raw, 'workshop_invitations');
    found.set(doc.participantId, doc);
  }
  return found;
}

function drawCollection(db: Db): Collection<WorkshopDrawDoc> {
  return db.collection<WorkshopDrawDoc>(collectionNames.workshopDraws, { ignoreUndefined: true });
}

function invitationCollection(db: Db): Collection<WorkshopInvitationDoc> {
  return db.collection<WorkshopInvitationDoc>(collectionNames.workshopInvitations, {
    ignoreUndefined: true,
  });
}
