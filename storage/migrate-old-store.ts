import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { z } from 'zod';
import { answerValueSchema } from '../dialogs/answer-value.js';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { sessionStateSchema, type Lang } from '../dialogs/session-state.js';
import type { Catalog } from '../dialogs/translate.js';
import { collections, retiredCollectionNames } from './collections.js';
import { describeAnswer } from './describe-answer.js';
import {
  identitySchema,
  participantDocSchema,
  recentInboundLimit,
  transcriptEntrySchema,
  type AnswerDoc,
  type ParticipantDoc,
} from './documents.js';
import type { ChannelIdentity } from './identity.js';
import { MongoAnswers } from './mongo-answers.js';
import { MongoTranscripts } from './mongo-transcripts.js';
import { participantFields } from './participant-fields.js';
import { checkForWrite } from './storage-error.js';
import { lastTurnToStored } from './last-turn-text.js';

export interface MigrationContext {
  consultation: Consultation;
  catalog: Catalog;
}

/** Recorded as the consent text version of consents given before versions were recorded. */
export const unrecordedConsentText = 'unrecorded';

/**
 * From the store used until 2026-12-01 to participant documents: `sessions` (one document
 * per committed turn, `_id` "<participantId>:<version>", state and pending effects as JSON
 * text; older versions slimmed to tombstones; a deletion marker as the last version),
 * old-shape `participants` (created at consent), `answers` (history including the current
 * value, `sessionVersion`) and `processed_inbound`.
 *
 * Each participant's newest version becomes its `participants` document (state nested,
 * version kept, so transcripts `<participantId>:<turn>` stay unique); effects a crash left
 * unapplied are applied; answers take the new shape; deleted participants leave nothing.
 * Idempotent: run again (after a crash half-way), it writes the same documents; once
 * `sessions` is dropped (last step), there is nothing left to do.
 */
export async function migrateOldStore(
  db: Db,
  context: MigrationContext,
): Promise<Record<string, number>> {
  const c = collections(db);
  const sessions = db.collection<OldSession>(retiredCollectionNames.sessions);
  const report = { participants: 0, answers: 0, erased: 0, pendingTurns: 0 };
  const newest = await newestVersions(db);
  const identities = await identitiesByParticipant(db);
  const oldParticipants = new Map<string, OldParticipant>();
  for await (const raw of c.participants.find({ sessionVersion: { $exists: true } })) {
    const parsed = oldParticipantSchema.safeParse(raw);
    if (parsed.success) oldParticipants.set(parsed.data._id, parsed.data);
  }
  const langs = new Map<string, Lang>();
  const erased = new Set<string>();
  const converted: ParticipantDoc[] = [];
  for (const [participantId, { version, deleted }] of newest) {
    if (deleted) {
      erased.add(participantId);
      continue;
    }
    const raw = await sessions.findOne({ _id: `${participantId}:${version}` });
    const session = oldSessionSchema.parse(raw);
    const old = oldParticipants.get(participantId);
    const links = identities.get(participantId) ?? [];
    // Begun on a device, then moved elsewhere by a code before consenting: no one's any more.
    if (links.length === 0 && old === undefined) continue;
    const state = sessionStateSchema.parse(JSON.parse(session.state));
    if (old?.unreachable === true) state.unreachable = true;
    langs.set(participantId, state.lang);
    if (session.outbox !== undefined) {
      report.pendingTurns += await applyOldOutbox(db, participantId, session.outbox, context);
    }
    converted.push(participantDoc(participantId, session, state, old, links, context));
  }
  report.answers = await convertAnswers(db, langs, oldParticipants, erased, context);
  for (let first = 0; first < converted.length; first += 200) {
    const batch = converted.slice(first, first + 200);
    await c.participants.bulkWrite(
      batch.map((doc) => ({
        replaceOne: {
          filter: { _id: doc._id },
          replacement: { ...doc, lastTurn: lastTurnToStored(doc.lastTurn) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  report.participants = converted.length;
  for (const participantId of erased) {
    // Erased before: their data went then; what a late write may have left goes now.
    await c.answers.deleteMany({ participantId });
    await c.transcripts.deleteMany({ participantId });
    await c.participants.deleteOne({ _id: participantId });
    report.erased += 1;
  }
  await dropIfExists(db, retiredCollectionNames.processedInbound);
  await dropIfExists(db, retiredCollectionNames.sessions);
  await c.answers.dropIndex('consultation_council').catch(() => undefined);
  return report;
}

/** The newest version of every participant in `sessions`, and whether it marks a deletion. */
async function newestVersions(db: Db): Promise<Map<string, { version: number; deleted: boolean }>> {
  const newest = new Map<string, { version: number; deleted: boolean }>();
  const cursor = db
    .collection(retiredCollectionNames.sessions)
    .find({}, { projection: { participantId: 1, version: 1, deleted: 1 } });
  for await (const raw of cursor) {
    const { participantId, version, deleted } = versionSchema.parse(raw);
    const known = newest.get(participantId);
    if (known === undefined || known.version < version)
      newest.set(participantId, { version, deleted: deleted === true });
  }
  return newest;
}

async function identitiesByParticipant(db: Db): Promise<Map<string, ChannelIdentity[]>> {
  const byParticipant = new Map<string, ChannelIdentity[]>();
  for await (const raw of collections(db).identities.find()) {
    const link = identityLinkSchema.parse(raw);
    const { channel, externalId } = link;
    byParticipant.set(link.participantId, [
      ...(byParticipant.get(link.participantId) ?? []),
      { channel, externalId },
    ]);
  }
  return byParticipant;
}

function participantDoc(
  participantId: string,
  session: OldSession,
  state: z.infer<typeof sessionStateSchema>,
  old: OldParticipant | undefined,
  links: ChannelIdentity[],
  context: MigrationContext,
): ParticipantDoc {
  const fields = participantFields(state, context.consultation);
  const consentedAt =
    old?.consentedAt ?? (state.consented ? (old?.createdAt ?? session.at) : undefined);
  return checkForWrite(
    participantDocSchema,
    {
      _id: participantId,
      version: session.version,
      identities: old?.identities ?? links,
      ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
      ...(consentedAt === undefined
        ? {}
        : { consent: { at: consentedAt, textVersion: unrecordedConsentText } }),
      reminders: { received: 0 },
      state,
      recentInboundIds: (session.recentInboundIds ?? []).slice(-recentInboundLimit),
      // Its effects were applied just before: nothing to finish, nothing to send again.
      lastTurn: {
        version: session.version,
        at: session.at,
        channel: links[0]?.channel ?? old?.identities[0]?.channel ?? 'console',
        replies: [],
        answers: [],
      },
      createdAt: old?.createdAt ?? session.at,
      updatedAt: session.at,
      lastActivityAt: old?.lastActivityAt ?? session.at,
      ...(old?.completedAt === undefined ? {} : { completedAt: old.completedAt }),
    },
    `participants/${participantId}`,
  );
}

/** The answers and transcript of a turn committed but whose effects a crash left unapplied. */
async function applyOldOutbox(
  db: Db,
  participantId: string,
  text: string,
  context: MigrationContext,
): Promise<number> {
  const outbox = oldOutboxSchema.parse(JSON.parse(text));
  const c = collections(db);
  const answers = new MongoAnswers(c);
  const { consultationId, lang } = outbox.participant;
  let applied = 0;
  for (const write of outbox.answers) {
    const last = write.values.at(-1);
    const before = await c.answers.findOne({ _id: `${participantId}:${write.questionId}` });
    const written = versionOfAnswer(before);
    if (last === undefined || (written !== undefined && written >= outbox.version)) continue;
    if (before !== null) await convertAnswer(db, before, lang, context);
    await answers.record(
      participantId,
      [
        {
          questionId: write.questionId,
          value: last.value,
          ...described(write.questionId, last.value, lang, context),
          questionnaireVersion: last.questionnaireVersion,
        },
      ],
      {
        consultationId,
        channel: outbox.identity.channel,
        at: new Date(outbox.at),
        version: outbox.version,
      },
    );
    applied = 1;
  }
  if (outbox.transcript.length > 0) {
    const transcripts = new MongoTranscripts(c);
    if (!(await transcripts.has(participantId, outbox.version))) applied = 1;
    await transcripts.record({
      participantId,
      channel: outbox.identity.channel,
      at: new Date(outbox.at),
      turn: outbox.version,
      lines: outbox.transcript,
    });
  }
  return applied;
}

/** Every answer still in the old shape, in the new one. */
async function convertAnswers(
  db: Db,
  langs: Map<string, Lang>,
  oldParticipants: Map<string, OldParticipant>,
  erased: Set<string>,
  context: MigrationContext,
): Promise<number> {
  const c = collections(db);
  let count = 0;
  let batch: AnyBulkWriteOperation<AnswerDoc>[] = [];
  for await (const raw of c.answers.find({ sessionVersion: { $exists: true } })) {
    const old = oldAnswerSchema.parse(raw);
    if (erased.has(old.participantId)) continue;
    const lang =
      langs.get(old.participantId) ?? oldParticipants.get(old.participantId)?.lang ?? 'fr';
    batch.push({
      replaceOne: { filter: { _id: old._id }, replacement: newAnswer(old, lang, context) },
    });
    count += 1;
    if (batch.length === 200) {
      await c.answers.bulkWrite(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await c.answers.bulkWrite(batch, { ordered: false });
  return count;
}

async function convertAnswer(
  db: Db,
  raw: unknown,
  lang: Lang,
  context: MigrationContext,
): Promise<void> {
  const old = oldAnswerSchema.safeParse(raw);
  if (!old.success) return; // already in the new shape
  await collections(db).answers.replaceOne(
    { _id: old.data._id },
    newAnswer(old.data, lang, context),
  );
}

function newAnswer(old: OldAnswer, lang: Lang, context: MigrationContext): AnswerDoc {
  // The old history ended with the current value; the new one holds previous values only.
  const previous = old.history.slice(0, -1);
  return {
    _id: old._id,
    questionId: old.questionId,
    participantId: old.participantId,
    consultationId: old.consultationId,
    value: old.value,
    ...described(old.questionId, old.value, lang, context),
    questionnaireVersion: old.questionnaireVersion,
    answeredAt: old.answeredAt,
    updatedAt: old.updatedAt,
    turn: old.sessionVersion,
    history: previous.map((entry) => ({
      value: entry.value,
      ...described(old.questionId, entry.value, lang, context),
      questionnaireVersion: entry.questionnaireVersion,
      at: entry.at,
      turn: entry.sessionVersion,
    })),
  };
}

/** The label and free text of a value, as new answers carry them. */
function described(
  questionId: string,
  value: z.infer<typeof answerValueSchema>,
  lang: Lang,
  context: MigrationContext,
): { label?: string; text?: string } {
  return describeAnswer(context.consultation, questionId, value, context.catalog, lang);
}

function versionOfAnswer(raw: unknown): number | undefined {
  const parsed = z
    .object({ turn: z.int().optional(), sessionVersion: z.int().optional() })
    .safeParse(raw);
  if (!parsed.success || raw === null) return undefined;
  return parsed.data.turn ?? parsed.data.sessionVersion;
}

async function dropIfExists(db: Db, name: string): Promise<void> {
  if ((await db.listCollections({ name }).toArray()).length > 0) await db.dropCollection(name);
}

// The old shapes, only as far as the migration reads them.
const versionSchema = z.object({
  participantId: z.string(),
  version: z.int(),
  deleted: z.boolean().optional(),
});
const oldSessionSchema = z.object({
  _id: z.string(),
  version: z.int(),
  at: z.date(),
  state: z.string(),
  outbox: z.string().optional(),
  recentInboundIds: z.array(z.string()).optional(),
});
type OldSession = z.infer<typeof oldSessionSchema>;
const identityLinkSchema = identitySchema.extend({ participantId: z.string() });
const oldParticipantSchema = z.object({
  _id: z.string(),
  identities: z.array(identitySchema),
  lang: sessionStateSchema.shape.lang,
  consentedAt: z.date().optional(),
  unreachable: z.boolean().optional(),
  createdAt: z.date(),
  lastActivityAt: z.date(),
  completedAt: z.date().optional(),
});
type OldParticipant = z.infer<typeof oldParticipantSchema>;
const oldAnswerSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  consultationId: z.string(),
  questionId: z.string(),
  value: answerValueSchema,
  questionnaireVersion: z.string(),
  answeredAt: z.date(),
  updatedAt: z.date(),
  sessionVersion: z.int(),
  history: z.array(
    z.object({
      value: answerValueSchema,
      questionnaireVersion: z.string(),
      at: z.date(),
      sessionVersion: z.int(),
    }),
  ),
});
type OldAnswer = z.infer<typeof oldAnswerSchema>;
const oldOutboxSchema = z.object({
  version: z.int(),
  at: z.iso.datetime(),
  identity: identitySchema,
  answers: z.array(
    z.object({
      questionId: z.string(),
      values: z.array(z.object({ value: answerValueSchema, questionnaireVersion: z.string() })),
    }),
  ),
  transcript: z.array(transcriptEntrySchema),
  participant: z.object({ consultationId: z.string(), lang: sessionStateSchema.shape.lang }),
});
