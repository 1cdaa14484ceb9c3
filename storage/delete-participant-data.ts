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
  const [participant, session] = await Promise.all([
    c.participants.findOne({ _id: participantId }, { projection: { consultationId: 1 } }),
    c.sessions.findOne(
      { participantId, state: { $exists: true } },
      { projection: { 'state.consultationId': 1 } },
    ),
  ]);
  const consultationId =
    consultationOf.safeParse(participant).data?.consultationId ??
    sessionConsultationOf.safeParse(session).data?.state.consultationId ??
    'all';
  // Identities first, so the person is unknown at once; the participant last marks the end.
  await c.identities.deleteMany({ participantId });
  const sessions = await c.sessions.deleteMany({ participantId });
  await c.answers.deleteMany({ participantId });
  await c.transcripts.deleteMany({ participantId });
  const participants = await c.participants.deleteOne({ _id: participantId });
  if (options.count && sessions.deletedCount + participants.deletedCount > 0) {
    await c.deletions.updateOne({ _id: consultationId }, { $inc: { count: 1 } }, { upsert: true });
  }
}
