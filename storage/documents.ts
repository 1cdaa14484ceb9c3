// The shape of every stored document. Each one is parsed with these schemas when read and
// checked before it is written, so the database never holds (or hands back) a stray shape.
import { z } from 'zod';
import { answerValueSchema } from '../dialogs/answer-value.js';
import { sessionStateSchema } from '../dialogs/session-state.js';

export const channelSchema = z.enum(['telegram', 'web', 'console']);
const langSchema = z.enum(['fr', 'en']);
const versionSchema = z.int().min(1);

/** Keys of `state.answers` become field names: allow only question-id-like keys. */
const fieldNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a safe field name');

export const storedStateSchema = sessionStateSchema.extend({
  answers: z.record(fieldNameSchema, answerValueSchema),
});

export const identitySchema = z.object({ channel: channelSchema, externalId: z.string().min(1) });

export const transcriptEntrySchema = z.object({
  direction: z.enum(['in', 'out']),
  text: z.string(),
  choiceIds: z.array(z.string()).optional(),
});

/** One question's values recorded during a turn, oldest first (usually just one). */
export const answerWriteSchema = z.object({
  questionId: z.string().min(1),
  values: z.array(z.object({ value: answerValueSchema, questionnaireVersion: z.string() })).min(1),
});

/**
 * What a committed turn changes outside its session document. Written in the same insert
 * as the state and applied idempotently right after (again by the next load that finds it
 * in a session this process did not commit, in case the committer crashed first).
 */
export const outboxSchema = z.object({
  version: versionSchema,
  at: z.date(),
  identity: identitySchema,
  inboundId: z.string().optional(),
  answers: z.array(answerWriteSchema),
  transcript: z.array(transcriptEntrySchema),
  participant: z.object({
    consultationId: z.string(),
    councilId: z.string().optional(),
    lang: langSchema,
    status: z.enum(['started', 'completed']),
    remindersOff: z.boolean(),
    completedThemes: z.array(z.string()),
    /** Whether the person has agreed (before that, no participant document is written). */
    consented: z.boolean().optional(),
    consentGiven: z.boolean(),
    completedNow: z.boolean(),
  }),
  /** Questions answered earlier whose stored answers take a council selected in this turn. */
  reassignCouncil: z.array(z.string()),
});

/** The outbox as stored: JSON text, so its date is an ISO string. */
export const storedOutboxSchema = outboxSchema.extend({
  at: z.iso.datetime().transform((text) => new Date(text)),
});

/**
 * One committed version of a session, `_id` "<participantId>:<version>". Written once by
 * insert: the unique `_id` is what decides between concurrent turns (FerretDB v1 applies a
 * conditional update as read-then-write, so only a unique key is a reliable arbiter). Once a
 * newer version exists, the old one is slimmed (when the server is idle) to a tombstone that
 * keeps its `_id` taken. The state and the outbox are JSON text: nothing queries inside them,
 * and FerretDB v1 stores one string about three times faster than the nested document.
 * A participant's deletion appends a last version marked `deleted`, so no turn built on an
 * earlier one, in any process, can ever commit again.
 */
export const sessionDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  version: versionSchema,
  /** When the turn happened (the engine's clock). */
  at: z.date(),
  committedAt: z.date(),
  /** Copied from the state for figures and deletion counts (removed with it when slimmed). */
  consultationId: z.string().optional(),
  councilId: z.string().optional(),
  completedThemes: z.array(z.string()).optional(),
  /** JSON of the state (storedStateSchema). */
  state: z.string().optional(),
  recentInboundIds: z.array(z.string()).optional(),
  /** JSON of the outbox (storedOutboxSchema). */
  outbox: z.string().optional(),
  deleted: z.literal(true).optional(),
});

/** The newest version of a live session: never slimmed, so it has its state. */
export const liveSessionDocSchema = sessionDocSchema.extend({
  consultationId: z.string(),
  state: z.string(),
  recentInboundIds: z.array(z.string()),
});

/** The fields a superseded version loses when slimmed to a tombstone. */
export const slimmedFields = {
  consultationId: '',
  councilId: '',
  completedThemes: '',
  state: '',
  recentInboundIds: '',
  outbox: '',
} as const;

/** `_id` is "<channel>:<externalId>": the unique key that maps one identity to one participant. */
export const identityDocSchema = identitySchema.extend({
  _id: z.string(),
  participantId: z.string(),
  createdAt: z.date(),
});

export const participantDocSchema = z.object({
  _id: z.string(),
  identities: z.array(identitySchema),
  consultationId: z.string(),
  councilId: z.string().optional(),
  lang: langSchema,
  consentedAt: z.date().optional(),
  status: z.enum(['started', 'completed']),
  remindersOff: z.boolean(),
  /** Set when the channel refuses delivery (Telegram 403): stop sending reminders. */
  unreachable: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  completedAt: z.date().optional(),
  /** Refreshed when something on this document changes, else at most every ten minutes. */
  lastActivityAt: z.date(),
  /** As of the last write of this document (figures per theme read the sessions). */
  completedThemes: z.array(z.string()),
  /** The session version of the last write here, so a late replay never rolls fields back. */
  sessionVersion: z.int().min(0),
});

const answerHistoryEntrySchema = z.object({
  value: answerValueSchema,
  questionnaireVersion: z.string(),
  at: z.date(),
  sessionVersion: versionSchema,
});

/** `_id` is "<participantId>:<questionId>". */
export const answerDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  consultationId: z.string(),
  councilId: z.string().optional(),
  questionId: z.string(),
  value: answerValueSchema,
  questionnaireVersion: z.string(),
  answeredAt: z.date(),
  updatedAt: z.date(),
  sessionVersion: versionSchema,
  history: z.array(answerHistoryEntrySchema),
});

/**
 * One turn of the conversation: what the person sent and what the bot answered, in order.
 * `_id` is "<participantId>:<turn>", so replaying a turn cannot duplicate it. (One document
 * per turn rather than per line: FerretDB v1 stores it in less than half the time.)
 */
export const transcriptDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  channel: channelSchema,
  at: z.date(),
  turn: versionSchema,
  lines: z.array(transcriptEntrySchema).min(1),
});

export const processedInboundDocSchema = z.object({ _id: z.string(), at: z.date() });

/** Anonymous: a consultation id (or "all") and how many participants asked to be deleted. */
export const deletionCountDocSchema = z.object({ _id: z.string(), count: z.int().min(0) });

export type StoredState = z.infer<typeof storedStateSchema>;
export type Outbox = z.infer<typeof outboxSchema>;
export type AnswerWrite = z.infer<typeof answerWriteSchema>;
export type SessionDoc = z.infer<typeof sessionDocSchema>;
export type LiveSessionDoc = z.infer<typeof liveSessionDocSchema>;
export type IdentityDoc = z.infer<typeof identityDocSchema>;
export type ParticipantDoc = z.infer<typeof participantDocSchema>;
export type AnswerDoc = z.infer<typeof answerDocSchema>;
export type TranscriptDoc = z.infer<typeof transcriptDocSchema>;
export type ProcessedInboundDoc = z.infer<typeof processedInboundDocSchema>;
export type DeletionCountDoc = z.infer<typeof deletionCountDocSchema>;
