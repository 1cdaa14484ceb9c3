import type { Collections } from './collections.js';
import {
  answerDocSchema,
  participantDocSchema,
  transcriptDocSchema,
  type AnswerWrite,
  type Outbox,
} from './documents.js';
import { ignoreDuplicateKey } from './duplicate-key.js';
import { checkForWrite, parseStored } from './storage-error.js';

/**
 * Applies a committed turn's outbox. Every write is idempotent and guarded by the session
 * version it carries, so a replay (after a crash, or by a second process loading the same
 * session) neither duplicates anything nor rolls a newer value back.
 */
export async function applyOutbox(
  c: Collections,
  participantId: string,
  outbox: Outbox,
): Promise<void> {
  await upsertParticipant(c, participantId, outbox);
  await Promise.all([
    ...outbox.answers.map((write) => upsertAnswer(c, participantId, outbox, write)),
    insertTranscript(c, participantId, outbox),
    markProcessed(c, outbox.inboundId, outbox.at),
  ]);
  if (outbox.participant.councilSelected) await propagateCouncil(c, participantId);
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

async function upsertParticipant(
  c: Collections,
  participantId: string,
  outbox: Outbox,
): Promise<void> {
  const { at, participant: p } = outbox;
  const doc = checkForWrite(
    participantDocSchema,
    {
      _id: participantId,
      identities: [outbox.identity],
      consultationId: p.consultationId,
      ...(p.councilId === undefined ? {} : { councilId: p.councilId }),
      lang: p.lang,
      ...(p.consentGiven ? { consentedAt: at } : {}),
      status: p.status,
      remindersOff: p.remindersOff,
      unreachable: false,
      createdAt: at,
      updatedAt: at,
      ...(p.completedNow ? { completedAt: at } : {}),
      lastActivityAt: at,
      completedThemes: p.completedThemes,
      sessionVersion: outbox.version,
    },
    `participants/${participantId}`,
  );
  const { _id, identities, unreachable, createdAt, ...changes } = doc;
  // An existing document with this version or a newer one makes the upsert hit the `_id`
  // key: that means this outbox was already applied here.
  await ignoreDuplicateKey(() =>
    c.participants.updateOne(
      { _id, sessionVersion: { $lt: outbox.version } },
      { $set: changes, $setOnInsert: { identities, unreachable, createdAt } },
      { upsert: true },
    ),
  );
}

async function upsertAnswer(
  c: Collections,
  participantId: string,
  outbox: Outbox,
  write: AnswerWrite,
): Promise<void> {
  const last = write.values.at(-1);
  if (last === undefined) return;
  const history = write.values.map((entry) => ({
    ...entry,
    at: outbox.at,
    sessionVersion: outbox.version,
  }));
  const doc = checkForWrite(
    answerDocSchema,
    {
      _id: `${participantId}:${write.questionId}`,
      participantId,
      consultationId: outbox.participant.consultationId,
      ...(outbox.participant.councilId === undefined
        ? {}
        : { councilId: outbox.participant.councilId }),
      questionId: write.questionId,
      value: last.value,
      questionnaireVersion: last.questionnaireVersion,
      answeredAt: outbox.at,
      updatedAt: outbox.at,
      sessionVersion: outbox.version,
      history,
    },
    `answers/${participantId}:${write.questionId}`,
  );
  const { _id, answeredAt, history: entries, ...changes } = doc;
  await ignoreDuplicateKey(() =>
    c.answers.updateOne(
      { _id, sessionVersion: { $lt: outbox.version } },
      { $set: changes, $setOnInsert: { answeredAt }, $push: { history: { $each: entries } } },
      { upsert: true },
    ),
  );
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

/** Answers carry the council for exports; follow the participant's current one. */
async function propagateCouncil(c: Collections, participantId: string): Promise<void> {
  const raw = await c.participants.findOne({ _id: participantId });
  if (raw === null) return;
  const { councilId } = parseStored(participantDocSchema, raw, `participants/${participantId}`);
  if (councilId === undefined) return;
  await c.answers.updateMany(
    { participantId, councilId: { $ne: councilId } },
    { $set: { councilId } },
  );
}
