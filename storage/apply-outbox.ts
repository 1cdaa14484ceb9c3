import { z } from 'zod';
import type { Collections } from './collections.js';
import {
  answerDocSchema,
  participantDocSchema,
  transcriptDocSchema,
  type AnswerDoc,
  type AnswerWrite,
  type Outbox,
  type ParticipantDoc,
  type ProcessedInboundDoc,
  type TranscriptDoc,
} from './documents.js';
import { InsertBatcher, type InsertOutcome } from './insert-batcher.js';
import { checkForWrite, parseStored } from './storage-error.js';

// Every read and write here selects by `_id` alone: FerretDB v1 (SQLite) pushes only a plain
// `_id` equality down to its index and scans the whole collection for any other filter.
// Inserts go through batchers (one insertMany for the turns committed together); updates are
// the slow path on FerretDB v1 (a read, a rewrite and a sync each) and are kept for what changes.

/**
 * What is known of the participant document before applying an outbox:
 * - `new`: first written now (consent was just given, or an older outbox), insert it;
 * - `same`: it holds everything this outbox would write (only the activity time may lag);
 * - `older`: it exists with an older version and different fields, update it;
 * - `unknown`: read it first (a replay, or a load by another process).
 */
export type ParticipantKnown = 'new' | 'same' | 'older' | 'unknown';

/** The batched inserts of the collections a turn writes. */
export class OutboxWriters {
  readonly answers: InsertBatcher<AnswerDoc>;
  readonly transcripts: InsertBatcher<TranscriptDoc>;
  readonly processedInbound: InsertBatcher<ProcessedInboundDoc>;
  readonly participants: InsertBatcher<ParticipantDoc>;

  constructor(readonly c: Collections) {
    this.answers = new InsertBatcher(c.answers);
    this.transcripts = new InsertBatcher(c.transcripts);
    this.processedInbound = new InsertBatcher(c.processedInbound);
    this.participants = new InsertBatcher(c.participants);
  }
}

/**
 * Applies a committed turn's outbox. Each write is idempotent and skipped where a version at
 * least as new was already applied, so a replay (after a crash, or by a second process) adds
 * nothing and rolls nothing back.
 */
export async function applyOutbox(
  w: OutboxWriters,
  participantId: string,
  outbox: Outbox,
  participant: ParticipantKnown,
): Promise<void> {
  await Promise.all([
    ...outbox.answers.map((write) => writeAnswer(w, participantId, outbox, write)),
    ...outbox.reassignCouncil.map((questionId) =>
      reassignCouncil(w.c, participantId, questionId, outbox),
    ),
    insertTranscript(w, participantId, outbox),
    outbox.inboundId === undefined
      ? undefined
      : w.processedInbound.insert({ _id: outbox.inboundId, at: outbox.at }),
    writeParticipant(w, participantId, outbox, participant),
  ]);
}

async function writeAnswer(
  w: OutboxWriters,
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
  // Most answers are given once: insert. A changed answer (or a replay) finds it there.
  await insertOrUpdate(
    () => w.answers.insert(doc),
    () => w.c.answers.findOne({ _id }, { projection: { sessionVersion: 1 } }),
    // $addToSet: two processes replaying the same turn add its history entries once.
    () =>
      w.c.answers.updateOne({ _id }, { $set: changes, $addToSet: { history: { $each: history } } }),
    version,
    'new',
  );
}

async function writeParticipant(
  w: OutboxWriters,
  participantId: string,
  outbox: Outbox,
  known: ParticipantKnown,
): Promise<void> {
  // Nothing about a person is kept before they agree (older outboxes did not say: written).
  if (known === 'same' || outbox.participant.consented === false) return;
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
    { _id: participantId, identities: [outbox.identity], createdAt: at, ...changes },
    `participants/${participantId}`,
  );
  await insertOrUpdate(
    () => w.participants.insert(doc),
    () => w.c.participants.findOne({ _id: participantId }, { projection: { sessionVersion: 1 } }),
    () => w.c.participants.updateOne({ _id: participantId }, { $set: changes }),
    outbox.version,
    known,
  );
}

/**
 * Inserts the document if it is new, else updates it unless it already holds this version or
 * a newer one. On FerretDB v1 no update is atomic anyway; on MongoDB the window between the
 * check and the update only matters if one process applies an old turn seconds late.
 */
async function insertOrUpdate(
  insert: () => Promise<InsertOutcome>,
  read: () => Promise<unknown>,
  update: () => Promise<unknown>,
  version: number,
  known: Exclude<ParticipantKnown, 'same'>,
): Promise<void> {
  if (known === 'older') {
    await update();
    return;
  }
  if (known === 'new' && (await insert()) === 'inserted') return;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const current = versionOf(await read());
    if (current !== undefined) {
      if (current < version) await update();
      return;
    }
    if ((await insert()) === 'inserted') return; // else created meanwhile: check it again
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
  w: OutboxWriters,
  participantId: string,
  outbox: Outbox,
): Promise<void> {
  if (outbox.transcript.length === 0) return;
  const _id = `${participantId}:${outbox.version}`;
  const doc = checkForWrite(
    transcriptDocSchema,
    {
      _id,
      participantId,
      channel: outbox.identity.channel,
      at: outbox.at,
      turn: outbox.version,
      lines: outbox.transcript,
    },
    `transcripts/${_id}`,
  );
  await w.transcripts.insert(doc); // on a replay, refused as a duplicate: already there
}
