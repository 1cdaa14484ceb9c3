import type { EngineEvent } from '../dialogs/engine-event.js';
import type { SessionState } from '../dialogs/session-state.js';

export type Channel = 'telegram' | 'web' | 'console';

/** Who is talking, as a channel knows them: a Telegram chat id, a web user id, a terminal user. */
export interface ChannelIdentity {
  channel: Channel;
  externalId: string;
}

/** One line of the transcript: what the person sent or what the bot answered. */
export interface TranscriptEntry {
  direction: 'in' | 'out';
  text: string;
  /** Button ids offered (out) or pressed (in), kept so a transcript reads as the chat did. */
  choiceIds?: string[];
}

export interface StoredSession {
  participantId: string;
  state: SessionState;
  /** Increases by one on every committed turn; the optimistic-concurrency token. */
  version: number;
  /** Inbound message ids already applied (the most recent ones), for exactly-once processing. */
  recentInboundIds: string[];
  /**
   * True when the store answered from what this process committed, without reading: the
   * recent inbound ids then cover redeliveries, and the caller need not ask `wasProcessed`.
   */
  fromCache?: boolean;
}

export interface TurnToCommit {
  identity: ChannelIdentity;
  /** Unset for someone new: the store creates the participant. */
  participantId?: string;
  /** The version that was loaded (0 for someone new). */
  expectedVersion: number;
  state: SessionState;
  events: EngineEvent[];
  transcript: TranscriptEntry[];
  inboundId?: string;
  at: Date;
  /**
   * `recentInboundIds` of the version `load` returned, when the turn is built on it: the store
   * then commits without reading that version again. A stale version is still refused by the
   * commit itself; `load` made sure the loaded version's effects were applied.
   */
  recentInboundIds?: string[];
  /** True only if `wasProcessed(inboundId)` said false during or after the load built on. */
  inboundChecked?: boolean;
}

export type CommitOutcome =
  | { kind: 'committed'; participantId: string; version: number }
  /** Someone else committed first (double tap, second device): load again and replay. */
  | { kind: 'conflict' }
  /** This inbound id was already applied: do nothing, send nothing. */
  | { kind: 'duplicate' };

/**
 * Where conversations live. Implementations must pass tests/storage/conversation-store-contract.ts.
 * A committed turn is durable (acknowledged with the configured write concern) before
 * `commitTurn` resolves, so the caller may then reply.
 */
export interface ConversationStore {
  load(identity: ChannelIdentity): Promise<StoredSession | null>;
  commitTurn(turn: TurnToCommit): Promise<CommitOutcome>;
  /** Whether this inbound id was already processed (kept for the retention period). */
  wasProcessed(inboundId: string): Promise<boolean>;
  /** Removes answers, transcripts, state and identities; keeps an anonymous count. */
  deleteParticipant(participantId: string): Promise<void>;
}
