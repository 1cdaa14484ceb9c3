// The shape of every stored document. Each one is parsed with these schemas when read and
// checked before it is written, so the database never holds (or hands back) a stray shape.
import { z } from 'zod';
import { answerValueSchema } from '../dialogs/answer-value.js';
import { sessionStateSchema } from '../dialogs/session-state.js';
import { workshopGenders } from '../dialogs/workshop-gender.js';

export const channelSchema = z.enum(['telegram', 'web', 'console']);
const langSchema = sessionStateSchema.shape.lang;
const versionSchema = z.int().min(1);

/** How many inbound message ids a participant remembers, for exactly-once processing. */
export const recentInboundLimit = 50;

export const identitySchema = z.object({ channel: channelSchema, externalId: z.string().min(1) });

/** Keys of `state.answers` become field names: allow only question-id-like keys. */
const fieldNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a safe field name');

/** Version 1 of the stored engine state: the engine's own schema, answer keys safe as field names. */
export const storedStateV1Schema = sessionStateSchema.extend({
  answers: z.record(fieldNameSchema, answerValueSchema),
});

export const transcriptEntrySchema = z.object({
  direction: z.enum(['in', 'out']),
  text: z.string(),
  choiceIds: z.array(z.string()).optional(),
});

/** An engine reply as kept for a redelivery; fields added to replies later are kept too. */
export const replySchema = z
  .object({
    text: z.string(),
    choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
    promptId: z.string().optional(),
    progress: z
      .object({ theme: z.int(), themes: z.int(), question: z.int(), questions: z.int() })
      .optional(),
    multiSelect: z.boolean().optional(),
    numbered: z.boolean().optional(),
    textLimit: z.int().optional(),
  })
  .loose();

/** One answer a turn recorded: the value, and how the person saw it. */
export const answerWriteSchema = z.object({
  questionId: z.string().min(1),
  value: answerValueSchema,
  /** The choices as shown in the participant's language ("Les transports, Autre"). */
  label: z.string().optional(),
  /** Free text: a text answer, or what followed « Autre ». */
  text: z.string().optional(),
  questionnaireVersion: z.string(),
});

/**
 * The last committed turn, kept on the participant: its replies (sent again to a channel
 * that redelivers the same message) and the effects it has outside the participant document,
 * applied right after the commit and again by the next load if a crash came in between.
 */
export const lastTurnSchema = z.object({
  version: versionSchema,
  inboundId: z.string().optional(),
  at: z.date(),
  channel: channelSchema,
  replies: z.array(replySchema),
  /**
   * What the person sent, kept once they consented. Set when the turn has a transcript
   * document `<participantId>:<version>` (these lines, then the replies), written last.
   */
  inbound: transcriptEntrySchema.optional(),
  answers: z.array(answerWriteSchema),
  /** A continuation code given in this turn (normalised). */
  codeIssued: z.string().optional(),
  /** The person asked to be erased: these answers (and everything else) go. */
  deletion: z.object({ questionIds: z.array(z.string()) }).optional(),
  /**
   * A volunteer for the workshop left a contact (`set`, kept in `workshop_contacts`), said
   * their gender or preferred not to (`gender`, kept there too, or forgotten), or no longer
   * volunteers (`remove`). Stays here only until the next turn replaces `lastTurn`.
   */
  workshopContact: z
    .discriminatedUnion('action', [
      z.object({
        action: z.literal('set'),
        email: z.string().optional(),
        phone: z.string().optional(),
      }),
      z.object({ action: z.literal('gender'), gender: z.enum(workshopGenders).optional() }),
      z.object({ action: z.literal('remove') }),
    ])
    .optional(),
});

export const participantStatusSchema = z.enum([
  /** Wrote to the bot, has not consented: nothing they typed is kept. */
  'consent_pending',
  /** Consented, no answer yet. */
  'not_started',
  'in_progress',
  'completed',
]);

export const progressSchema = z.object({
  /** Questions answered (skipped ones not counted). */
  answered: z.int().min(0),
  themesCompleted: z.array(z.string()),
  themesLeft: z.int().min(0),
});

/** What `participants` holds besides the engine state: the fields people and reports query. */
export const participantSummarySchema = z.object({
  _id: z.string(),
  /** Increases by one with every committed turn: the optimistic-concurrency token. */
  version: versionSchema,
  identities: z.array(identitySchema),
  consultationId: z.string(),
  councilId: z.string().optional(),
  /** The answer to the profile question `role`. */
  role: z.string().optional(),
  lang: langSchema,
  /** When they consented, and to which version of the consent text. */
  consent: z.object({ at: z.date(), textVersion: z.string() }).optional(),
  status: participantStatusSchema,
  progress: progressSchema,
  remindersOff: z.boolean(),
  /** The channel refuses delivery (Telegram 403): reminders skip them. */
  unreachable: z.boolean(),
  /**
   * Written by the reminders feature (bot/reminders/): how many they got, the last one's time
   * and delivery (the claim that makes each one exactly once), and one waiting for their next
   * visit when the channel cannot notify them.
   */
  reminders: z.object({
    received: z.int().min(0),
    lastAt: z.date().optional(),
    /** Deliveries claimed for them (`<waveId>:<seq>`), so that none is sent twice. */
    claimed: z.array(z.string()).optional(),
    waiting: z.object({ deliveryId: z.string(), at: z.date() }).optional(),
  }),
  /**
   * An invitation to the workshop that no channel could carry (the web without push): said
   * before the answer to whatever they send next, then recorded `shown` (bot/workshop/).
   */
  workshopInvitation: z
    .object({ drawId: z.string(), text: z.string().max(4000), at: z.date() })
    .optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
  lastActivityAt: z.date(),
  completedAt: z.date().optional(),
});

/**
 * One document per participant, `_id` a random uuid. The engine state is a nested document
 * (`state.v` is its schema version, see stored-state.ts); a turn commits by updating this
 * document on `{ _id, version }`.
 */
export const participantDocSchema = participantSummarySchema.extend({
  /** Parsed by `parseStoredState` (versioned), not here. */
  state: z.record(z.string(), z.unknown()),
  recentInboundIds: z.array(z.string()),
  lastTurn: lastTurnSchema,
});

/** `_id` is `identityKey(identity)`: the unique key that maps one identity to one participant. */
export const identityDocSchema = identitySchema.extend({
  _id: z.string(),
  participantId: z.string(),
  createdAt: z.date(),
});

const answerHistoryEntrySchema = answerWriteSchema.omit({ questionId: true }).extend({
  channel: channelSchema.optional(),
  at: z.date(),
  turn: z.int().min(0),
});

/**
 * `_id` is "<participantId>:<questionId>"; `history` holds the previous values, oldest first.
 * `turn` is the participant version whose turn wrote the value (a replay never rolls it back).
 */
export const answerDocSchema = answerWriteSchema.extend({
  _id: z.string(),
  participantId: z.string(),
  consultationId: z.string(),
  channel: channelSchema.optional(),
  answeredAt: z.date(),
  updatedAt: z.date(),
  turn: z.int().min(0),
  history: z.array(answerHistoryEntrySchema),
});

/**
 * One turn of the conversation: what the person sent and what the bot answered, in order.
 * `_id` is "<participantId>:<turn>", `turn` the participant version, so a replay cannot
 * duplicate it.
 */
export const transcriptDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  channel: channelSchema,
  at: z.date(),
  turn: versionSchema,
  lines: z.array(transcriptEntrySchema).min(1),
});

/** A continuation code (`_id`, normalised), valid until `expiresAt`, used once. */
export const codeDocSchema = z.object({
  _id: z.string(),
  participantId: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
});

/** One wrong continuation code, counted against an identity key for ten minutes. */
export const attemptDocSchema = z.object({ _id: z.string(), key: z.string(), at: z.date() });

/** Anonymous: a consultation id and how many participants asked to be deleted. */
export const deletionCountDocSchema = z.object({ _id: z.string(), count: z.int().min(0) });

/**
 * A Telegram message known to have reached the person: `_id` is `<inboundId>|<n>`, the n-th
 * message (from 0) sent for the update `tg:<bot>:<update_id>`. No personal data (an update id
 * and a number), nothing to erase; kept two days, as Telegram redelivers an update for a day.
 */
export const telegramSentDocSchema = z.object({ _id: z.string(), expiresAt: z.date() });

/** A data migration, claimed by the process that runs it and marked when finished. */
export const migrationDocSchema = z.object({
  _id: z.string(),
  owner: z.string(),
  startedAt: z.date(),
  finishedAt: z.date().optional(),
  report: z.record(z.string(), z.int()).optional(),
});

export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;
export type AnswerWrite = z.infer<typeof answerWriteSchema>;
export type LastTurn = z.infer<typeof lastTurnSchema>;
export type ParticipantStatus = z.infer<typeof participantStatusSchema>;
export type Progress = z.infer<typeof progressSchema>;
export type ParticipantSummaryDoc = z.infer<typeof participantSummarySchema>;
export type ParticipantDoc = z.infer<typeof participantDocSchema>;
export type IdentityDoc = z.infer<typeof identityDocSchema>;
export type AnswerDoc = z.infer<typeof answerDocSchema>;
export type AnswerHistoryEntry = z.infer<typeof answerHistoryEntrySchema>;
export type TranscriptDoc = z.infer<typeof transcriptDocSchema>;
export type CodeDoc = z.infer<typeof codeDocSchema>;
export type AttemptDoc = z.infer<typeof attemptDocSchema>;
export type DeletionCountDoc = z.infer<typeof deletionCountDocSchema>;
export type MigrationDoc = z.infer<typeof migrationDocSchema>;
export type TelegramSentDoc = z.infer<typeof telegramSentDocSchema>;
