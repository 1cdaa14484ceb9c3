// The storage every turn goes through, as interfaces: storage/mongo-storage.ts implements them
// on MongoDB (or the embedded FerretDB), storage/memory-storage.ts in memory for tests. Both
// pass the same contract suite (tests/storage/storage-contract.ts).
import type { Lang, SessionState } from '../dialogs/session-state.js';
import type {
  AnswerDoc,
  AnswerWrite,
  LastTurn,
  ParticipantStatus,
  ParticipantSummaryDoc,
  Progress,
  TranscriptDoc,
} from './documents.js';
import type { Channel, ChannelIdentity } from './identity.js';
import type { StoredWorkshopContact } from './workshop-contacts.js';
import type { PushSubscriptionStore } from './push-subscriptions.js';

export interface Storage {
  participants: ParticipantRepository;
  answers: AnswerRepository;
  transcripts: TranscriptRepository;
  codes: ContinuationCodeRepository;
  deletions: DeletionCounter;
  workshopContacts: WorkshopContactRepository;
  /** Web Push addresses of participants who accepted reminders by notification. */
  pushSubscriptions: PushSubscriptionStore;
  telegramSent: TelegramSentRepository;
}

/** A participant as a turn finds it. */
export interface LoadedParticipant {
  participantId: string;
  version: number;
  state: SessionState;
  /** The most recent inbound message ids (at most 50), for exactly-once processing. */
  recentInboundIds: string[];
  lastTurn: LastTurn;
  /** A reminder waiting for their next visit (its delivery id): the turn shows it first. */
  reminderWaiting?: string | undefined;
  /** An invitation to the workshop waiting for their next visit: the turn says it first. */
  invitationWaiting?: { drawId: string; text: string } | undefined;
}

/** The queryable fields of a participant that follow from its state (participant-fields.ts). */
export interface ParticipantFields {
  consultationId: string;
  councilId?: string | undefined;
  role?: string | undefined;
  lang: Lang;
  status: ParticipantStatus;
  progress: Progress;
  remindersOff: boolean;
  unreachable: boolean;
}

/** One turn to commit: the new state and everything derived from it. */
export interface TurnCommit {
  identity: ChannelIdentity;
  /** What `load` returned (the turn is built on it); null for someone new. */
  loaded: Pick<LoadedParticipant, 'participantId' | 'version' | 'recentInboundIds'> | null;
  state: SessionState;
  fields: ParticipantFields;
  /** Only on the turn that consents. */
  consent?: { at: Date; textVersion: string } | undefined;
  /** Only on the turn that completes the questionnaire. */
  completedAt?: Date | undefined;
  inboundId?: string | undefined;
  at: Date;
  /** Its `version` is the loaded version + 1 (1 for someone new). */
  lastTurn: LastTurn;
  /**
   * The waiting reminder this turn showed (`loaded.reminderWaiting`): cleared with the commit,
   * which is refused (a conflict, replayed) if another one replaced it meanwhile.
   */
  reminderShown?: string | undefined;
  /** The draw whose waiting invitation this turn said (`loaded.invitationWaiting`): cleared with the commit. */
  invitationShown?: string | undefined;
}

export type CommitOutcome =
  | { kind: 'committed'; participantId: string; version: number }
  /** Someone else committed first (double tap, second device): load again and replay. */
  | { kind: 'conflict' }
  /** This inbound id was already applied; `lastTurn` when it was the last turn's. */
  | { kind: 'duplicate'; lastTurn?: LastTurn | undefined };

/** A participant without its engine state: what exports, figures and reminders read. */
export type ParticipantSummary = Omit<ParticipantSummaryDoc, '_id'> & { participantId: string };

export interface ParticipantFilter {
  consultationId?: string | undefined;
  councilIds?: readonly string[] | undefined;
  statuses?: readonly ParticipantStatus[] | undefined;
  /** Only those a reminder may go to: reachable, reminders not turned off. */
  remindable?: boolean | undefined;
}

export interface ParticipantRepository {
  /** The participant this identity belongs to, or null (someone new, or erased). */
  load(identity: ChannelIdentity): Promise<LoadedParticipant | null>;
  /**
   * Commits a turn if the participant is still at the loaded version: durable (acknowledged
   * with the configured write concern) when it resolves `committed`.
   */
  commit(turn: TurnCommit): Promise<CommitOutcome>;
  get(participantId: string): Promise<ParticipantSummary | null>;
  /** Participants matching the filter, in no particular order, as a stream. */
  list(filter: ParticipantFilter): AsyncIterable<ParticipantSummary>;
  count(filter: ParticipantFilter): Promise<number>;
  /**
   * Points an identity at a participant (a continuation code): its next message continues
   * that participant. `moved` when it left another participant who had consented (whose
   * answers stay, no longer reachable from this identity).
   */
  attachIdentity(
    identity: ChannelIdentity,
    participantId: string,
    at: Date,
  ): Promise<{ moved: boolean }>;
  /** Removes the participant document, then its identities; returns whether it was there. */
  remove(participantId: string): Promise<boolean>;
}

/** An answer as stored, without its `_id` ("<participantId>:<questionId>"). */
export type StoredAnswer = Omit<AnswerDoc, '_id'>;

export interface AnswerRepository {
  /** Writes a turn's answers; replaying the same turn changes nothing. */
  record(
    participantId: string,
    answers: readonly AnswerWrite[],
    turn: { consultationId: string; channel: Channel; at: Date; version: number },
  ): Promise<void>;
  /** Current answers sorted by participant, then question, as a stream. */
  stream(filter: { consultationId?: string | undefined }): AsyncIterable<StoredAnswer>;
  remove(participantId: string, questionIds: readonly string[]): Promise<void>;
}

export type StoredTranscript = Omit<TranscriptDoc, '_id'>;

export interface TranscriptRepository {
  /** Stores one turn's lines; storing the same turn again changes nothing. */
  record(transcript: StoredTranscript): Promise<void>;
  has(participantId: string, turn: number): Promise<boolean>;
  /** Removes turns 1 to `lastTurn`. */
  remove(participantId: string, lastTurn: number): Promise<void>;
}

export type RedeemResult =
  { kind: 'valid'; participantId: string } | { kind: 'invalid' } | { kind: 'too_many' };

export interface ContinuationCodeRepository {
  /** Keeps a code (normalised, `ABCDEFGH`) for `continuationCodeMinutes`. */
  issue(code: string, participantId: string, at: Date): Promise<void>;
  /**
   * Uses a code once. Wrong codes count against the identity: past 5 in 10 minutes, even a
   * right one is refused.
   */
  redeem(identity: ChannelIdentity, code: string, now: Date): Promise<RedeemResult>;
  /** Removes the participant's codes and the wrong tries of its identities (an erasure). */
  removeFor(participantId: string): Promise<void>;
}

/**
 * Which Telegram messages of an update reached the person, so that the update delivered again
 * (a crash after its turn was committed, before its 200) sends only the others. Only update
 * ids and message numbers: no personal data, nothing to erase; each record expires after
 * `telegramSentDays`.
 */
export interface TelegramSentRepository {
  /**
   * Records message `index` (from 0) of the replies to `inboundId` as sent; recording it again
   * changes nothing. Group-committed with the records of concurrent turns.
   */
  record(inboundId: string, index: number, at: Date): Promise<void>;
  /** Which of messages 0 … count − 1 of `inboundId` are recorded (one read). */
  sent(inboundId: string, count: number): Promise<Set<number>>;
}

export interface DeletionCounter {
  /** Counts one erased participant, anonymously, under its consultation. */
  add(consultationId: string): Promise<void>;
}

/**
 * How volunteers for the workshop may be reached (web participants who left an e-mail or a
 * phone number), one per participant, apart from their answers; deleted with the
 * participant, when they stop volunteering, and after the workshop.
 */
export interface WorkshopContactRepository {
  /** Keeps (or replaces) a participant's contact; saving the same one again changes nothing. */
  save(contact: StoredWorkshopContact): Promise<void>;
  get(participantId: string): Promise<StoredWorkshopContact | null>;
  /** The contacts of a consultation, by participant id. */
  list(consultationId: string): AsyncIterable<StoredWorkshopContact>;
  remove(participantId: string): Promise<void>;
  /** Deletes every contact of a consultation (after the workshop); returns how many. */
  removeAll(consultationId: string): Promise<number>;
}
