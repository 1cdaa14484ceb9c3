import { z } from 'zod';
import type { Collections } from './collections.js';
import { slimmedFields } from './documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';

// Only what deletion needs, parsed loosely: erasure must work even on a corrupt document.
const consultationOf = z.object({ consultationId: z.string() });
const versionOf = z.object({ version: z.number() });

/**
 * Erases everything personal about a participant and counts the deletion anonymously under
 * its consultation. Safe to repeat after a crash: it counts once, when the person is erased.
 */
export async function deleteParticipantData(
  c: Collections,
  participantId: string,
  at: Date,
  options: { count: boolean } = { count: true },
): Promise<void> {
  const consultationId = (await consultationOfParticipant(c, participantId)) ?? 'all';
  // First a last session version marked deleted: from now on no turn built on an earlier one
  // can commit, in this process or another (each version's `_id` stays taken, see below).
  const blocked = await blockSessions(c, participantId, at);
  const erased = await sweepParticipantData(c, participantId);
  // Versions become tombstones: `_id`, participant id (random), version and times only.
  await c.sessions.updateMany({ participantId }, { $unset: slimmedFields });
  if (options.count && (blocked || erased)) {
    await c.deletions.updateOne({ _id: consultationId }, { $inc: { count: 1 } }, { upsert: true });
  }
}

/**
 * Removes identities (first, so the person is unknown at once), the participant, answers,
 * transcripts and continuation codes. Returns whether a participant or identity was there.
 * (Selecting by participantId scans each collection on FerretDB v1: fine for a rare request.)
 */
export async function sweepParticipantData(
  c: Collections,
  participantId: string,
): Promise<boolean> {
  const identities = await c.identities.deleteMany({ participantId });
  const participants = await c.participants.deleteOne({ _id: participantId });
  await c.answers.deleteMany({ participantId });
  await c.transcripts.deleteMany({ participantId });
  // A code still valid would otherwise attach a new identity to an erased participant.
  await c.participants.db.collection('continuation_codes').deleteMany({ participantId });
  return identities.deletedCount + participants.deletedCount > 0;
}

/** Appends the deletion marker after the newest version. Returns false if it was there. */
async function blockSessions(c: Collections, participantId: string, at: Date): Promise<boolean> {
  for (;;) {
    const newest = await c.sessions
      .find({ participantId }, { projection: { version: 1, deleted: 1 } })
      .sort({ version: -1 })
      .limit(1)
      .next();
    if (newest !== null && newest.deleted === true) return false;
    const version = (versionOf.safeParse(newest).data?.version ?? 0) + 1;
    try {
      await c.sessions.insertOne({
        _id: `${participantId}:${version}`,
        participantId,
        version,
        at,
        committedAt: at,
        deleted: true,
      });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // a turn committed meanwhile: after it
    }
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
  // No participant document yet (its first turn was never applied): ask the sessions.
  const session = await c.sessions.findOne(
    { participantId, consultationId: { $exists: true } },
    { projection: { consultationId: 1 } },
  );
  return consultationOf.safeParse(session).data?.consultationId;
}
