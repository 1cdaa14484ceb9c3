import { z } from 'zod';
import type { Collections } from './collections.js';
import {
  answerDocSchema,
  participantDocSchema,
  transcriptDocSchema,
  type AnswerWrite,
  type Outbox,
} from './documents.js';
import { ignoreDuplicateKey, isDuplicateKeyError } from './duplicate-key.js';
import { checkForWrite, parseStored } from './storage-error.js';

// Every read and write here selects by `_id` alone: FerretDB v1 (SQLite) pushes only a plain
// `_id` equality down to its index and scans the whole collection for any other filter.

/**
 * Applies a committed turn's outbox. Each write is idempotent and skipped where a version at
 * least as new was already applied, so a replay (after a crash, or by a second process) adds
 * nothing and rolls nothing back. The participant document is written last: its
 * `sessionVersion` then says this outbox was applied completely. Returns whether that
 * document was there already.
 */
export async function applyOutbox(
  c: Collections,
  participantId: string,
  outbox: Outbox,
  /** The participant's last applied version, when just read: saves reading it again. */
  appliedBefore?: number,
): Promise<boolean> {
  await Promise.all([
    ...outbox.answers.map((write) => writeAnswer(c, participantId, outbox, write)),
    ...outbox.reassignCouncil.map((questionId) =>
      reassignCouncil(c, participantId, questionId, outbox),
    ),
    insertTranscript(c, participantId, outbox),
    markProcessed(c, outbox.inboundId, outbox.at),
  ]);
  const existing: Existing =
    outbox.version === 1 ? 'new' : appliedBefore === outbox.version - 1 ? 'older' : 'unknown';
  return writeParticipant(c, participantId, outbox, existing);
}

/** What is known of the document about to be written: it decides which write to try first. */
type Existing = 'new' | 'older' | 'unknown';

async function writeAnswer(
  c: Collections,
  participantId: string,
  outbox: Outbox,
  write: AnswerWrite,
): Promise<void> {
  const last = write.values.at(-1);
  if (last === undefined) return;
  const { version, at, participant } = outbox;
  const _id = `${participantId}:${write.questionId}`;
  const changes = {
    participantId,
    consultationId: participant.consultationId,
    ...(participant.councilId === undefined ? {} : { councilId: participant.councilId }),
    questionId: write.questionId,
    value: last.value,
    questionnaireVersion: last.questionnaireVersion,
    updatedAt: at,
    sessionVersion: version,
  };
  const history = write.values.map((entry) => ({ ...entry, at, sessionVersion: version }));
  const doc = checkForWrite(
    answerDocSchema,
    { _id, ...changes, answeredAt: at, history },
    `answers/${_id}`,
  );
  await insertOrUpdate(
    () => c.answers.insertOne(doc),
    () => c.answers.findOne({ _id }, { projection: { sessionVersion: 1 } }),
    () => c.answers.updateOne({ _id }, { $set: changes, $push: { history: { $each: history } } }),
    version,
    'new', // most answers are given once
  );
}

/** Returns whether the document was there already (false: inserted, or gone when updated). */
async function writeParticipant(
  c: Collections,
  participantId: string,
  outbox: Outbox,
  existing: Existing,
): Promise<boolean> {
  const { at, participant: p } = outbox;
  const changes = {
    consultationId: p.consultationId,
    ...(p.councilId === undefined ? {} : { councilId: p.councilId }),
    lang: p.lang,
    ...(p.consentGiven ? { consentedAt: at } : {}),
    status: p.status,
    remindersOff: p.remindersOff,
    updatedAt: at,
    ...(p.completedNow ? { completedAt: at } : {}),
    lastActivityAt: at,
    completedThemes: p.completedThemes,
    sessionVersion: outbox.version,
    // Someone who just wrote to us can be reached again (they unblocked the bot, say).
    unreachable: false,
  };
  // Identities and creation time belong to the document once it exists.
  const doc = checkForWrite(
    participantDocSchema,
    {
      _id: participantId,
      identities: [outbox.identity],
      createdAt: at,
      ...changes,
    },
    `participants/${participantId}`,
  );
  return insertOrUpdate(
    () => c.participants.insertOne(doc),
    () => c.participants.findOne({ _id: participantId }, { projection: { sessionVersion: 1 } }),
    () => c.participants.updateOne({ _id: participantId }, { $set: changes }),
    outbox.version,
    existing,
  );
}

/**
 * Inserts the document if it is new, else updates it unless it already holds this version or
 * a newer one. On FerretDB v1 no update is atomic anyway; on MongoDB the window between the
 * check and the update only matters if one process applies an old turn seconds late.
 * Returns whether the document existed (false if this inserted it, or the update found none).
 */
async function insertOrUpdate(
  insert: () => Promise<unknown>,
  read: () => Promise<unknown>,
  update: () => Promise<{ matchedCount: number }>,
  version: number,
  existing: Existing,
): Promise<boolean> {
  const updated = async () => (await update()).matchedCount > 0;
  if (existing === 'older') return updated();
  if (existing === 'new' && (await tryInsert(insert))) return false;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const current = versionOf(await read());
    if (current !== undefined) return current >= version || (await updated());
    if (await tryInsert(insert)) return false; // else created meanwhile: check it again
  }
  return false;
}

async function tryInsert(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

function versionOf(doc: unknown): number | undefined {
  if (doc === null || doc === undefined) return undefined;
  return parseStored(versionedSchema, doc, 'a versioned document').sessionVersion;
}

const versionedSchema = z.object({ sessionVersion: z.int().min(0) });

/** Answers carry the council for exports: earlier answers follow a newly selected one. */
async function reassignCouncil(
  c: Collections,
  participantId: string,
  questionId: string,
  outbox: Outbox,
): Promise<void> {
  const { councilId } = outbox.participant;
  if (councilId === undefined || outbox.answers.some((write) => write.questionId === questionId))
    return;
  await c.answers.updateOne({ _id: `${participantId}:${questionId}` }, { $set: { councilId } });
}

async function insertTranscript(
  c: Collections,
  participantId: string,
  outbox: Outbox,
): Promise<void> {
  if (outbox.transcript.length === 0) return;
  const docs = outbox.transcript.map((entry, n) =>
    checkForWrite(
      transcriptDocSchema,
      {
        ...entry,
        _id: `${participantId}:${outbox.version}:${n}`,
        participantId,
        channel: outbox.identity.channel,
        at: outbox.at,
        turn: outbox.version,
        n,
      },
      `transcripts/${participantId}`,
    ),
  );
  // Unordered: on a replay, lines already there fail alone and the missing ones still land.
  await ignoreDuplicateKey(() => c.transcripts.insertMany(docs, { ordered: false }));
}

/** Remembers the inbound id beyond the session's recent list, for `wasProcessed`. */
async function markProcessed(
  c: Collections,
  inboundId: string | undefined,
  at: Date,
): Promise<void> {
  if (inboundId === undefined) return;
  await ignoreDuplicateKey(() => c.processedInbound.insertOne({ _id: inboundId, at }));
}
