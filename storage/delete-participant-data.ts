import { z } from 'zod';
import type { Collections } from './collections.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import type { SessionVersions } from './session-versions.js';

// Only what deletion needs, parsed loosely: erasure must work even on a corrupt document.
const consultationOf = z.object({ consultationId: z.string() });

/**
 * Erases everything personal about a participant and counts the deletion anonymously under
 * its consultation. Safe to repeat after a crash: it counts once, when the person is erased.
 */
export async function deleteParticipantData(
  c: Collections,
  versions: SessionVersions,
  participantId: string,
  at: Date,
  options: { count: boolean } = { count: true },
): Promise<void> {
  const consultationId = (await consultationOfParticipant(c, participantId)) ?? 'all';
  // First a last session version marked deleted: from now on no turn built on an earlier one
  // can commit, in this process or another (each version's `_id` stays taken, see below).
  const { blocked, version } = await blockSessions(c, versions, participantId, at);
  const erased = await sweepParticipantData(c, participantId);
  // Versions become tombstones: `_id`, participant id (random), version and times only.
  await versions.slimAll(participantId, version);
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

/**
 * Appends the deletion marker after the newest version (found by `_id`, which FerretDB v1
 * serves from an index). Returns whether this call added it, and its version.
 */
async function blockSessions(
  c: Collections,
  versions: SessionVersions,
  participantId: string,
  at: Date,
): Promise<{ blocked: boolean; version: number }> {
  for (;;) {
    const newest = await versions.newest(participantId);
    if (newest?.deleted === true) return { blocked: false, version: newest.version };
    const version = (newest?.version ?? 0) + 1;
    try {
      await c.sessions.insertOne({
        _id: `${participantId}:${version}`,
        participantId,
        version,
        at,
        committedAt: at,
        deleted: true,
      });
      return { blocked: true, version };
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
