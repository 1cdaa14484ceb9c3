import { z } from 'zod';
import type { Collections } from './collections.js';

// Only what deletion needs, parsed loosely: erasure must work even on a corrupt document.
const consultationOf = z.object({ consultationId: z.string() });
const sessionConsultationOf = z.object({ state: consultationOf });

/**
 * Erases everything personal about a participant and counts the deletion anonymously under
 * its consultation. Safe to repeat after a crash: it counts once, when the person is erased.
 */
export async function deleteParticipantData(
  c: Collections,
  participantId: string,
  options: { count: boolean } = { count: true },
): Promise<void> {
  const consultationId = (await consultationOfParticipant(c, participantId)) ?? 'all';
  // Identities first, so the person is unknown at once. Then the participant and the sessions,
  // before answers and transcripts: a turn applied meanwhile writes its participant last, so
  // finding it gone (or its session gone) it knows to erase what it wrote.
  // (Selecting by participantId scans each collection on FerretDB v1: fine for a rare request.)
  await c.identities.deleteMany({ participantId });
  const participants = await c.participants.deleteOne({ _id: participantId });
  const sessions = await c.sessions.deleteMany({ participantId });
  await c.answers.deleteMany({ participantId });
  await c.transcripts.deleteMany({ participantId });
  // A code still valid would otherwise attach a new identity to an erased participant.
  await c.participants.db.collection('continuation_codes').deleteMany({ participantId });
  if (options.count && sessions.deletedCount + participants.deletedCount > 0) {
    await c.deletions.updateOne({ _id: consultationId }, { $inc: { count: 1 } }, { upsert: true });
  }
}

async function consultationOfParticipant(
  c: Collections,
  participantId: string,
): Promise<string | undefined> {
  const participant = await c.participants.findOne(
    { _id: participantId },
    { projection: { consultationId: 1 } },
  );
  const fromParticipant = consultationOf.safeParse(participant).data?.consultationId;
  if (fromParticipant !== undefined) return fromParticipant;
  // No participant document yet (its first turn was never applied): ask the session.
  const session = await c.sessions.findOne(
    { participantId, state: { $exists: true } },
    { projection: { 'state.consultationId': 1 } },
  );
  return sessionConsultationOf.safeParse(session).data?.state.consultationId;
}
