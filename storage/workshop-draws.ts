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
  /** `manual`: there is no transport for its route here: someone sends it by hand. */
  status: z.enum(['sent', 'unreachable', 'failed', 'manual']),
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
