import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { applyOutbox } from './apply-outbox.js';
import { collections, type Collections } from './collections.js';
import type {
  ChannelIdentity,
  CommitOutcome,
  ConversationStore,
  StoredSession,
  TurnToCommit,
} from './conversation-store.js';
import { deleteParticipantData } from './delete-participant-data.js';
import {
  identityDocSchema,
  identitySchema,
  liveSessionDocSchema,
  outboxSchema,
  storedStateSchema,
  type LiveSessionDoc,
  type Outbox,
  type StoredState,
} from './documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { SessionVersions } from './session-versions.js';
import { StorageError, checkForWrite, parseStored } from './storage-error.js';
import { turnOutbox } from './turn-outbox.js';

export interface MongoConversationStoreOptions {
  now?: () => Date;
  /** Makes participant ids; random and unguessable unless a test needs fixed ones. */
  newParticipantId?: () => string;
}

/** How many inbound ids a session remembers; older ones are found in processed_inbound. */
const recentInboundLimit = 20;
const duplicate = { kind: 'duplicate' } as const;
const conflict = { kind: 'conflict' } as const;
type Refused = typeof duplicate | typeof conflict;

/**
 * ConversationStore on MongoDB or FerretDB v1, without transactions, by the outbox pattern.
 * A turn commits by inserting the session's next version "<participantId>:<version>" (state,
 * inbound ids and the turn's pending effects in one document): of two turns built on the same
 * version, only one insert succeeds — a unique `_id` is the one arbiter FerretDB v1 makes
 * atomic. The effects are then applied idempotently; a crash in between is repaired by the
 * next `load` or `commitTurn` of that participant.
 */
export class MongoConversationStore implements ConversationStore {
  private readonly c: Collections;
  private readonly now: () => Date;
  private readonly newParticipantId: () => string;
  private readonly versions: SessionVersions;

  constructor(db: Db, options: MongoConversationStoreOptions = {}) {
    this.c = collections(db);
    this.now = options.now ?? (() => new Date());
    this.newParticipantId = options.newParticipantId ?? randomUUID;
    this.versions = new SessionVersions(this.c, this.now);
  }

  async load(identity: ChannelIdentity): Promise<StoredSession | null> {
    const key = identityKey(checkForWrite(identitySchema, identity, 'an identity lookup'));
    const participantId = await this.participantOf(key);
    if (participantId === null) return null;
    const latest = await this.versions.latest(participantId);
    if (latest === null) return null;
    await this.versions.settle(latest);
    const { state, version, recentInboundIds } = latest.session;
    return { participantId, state, version, recentInboundIds };
  }

  async commitTurn(turn: TurnToCommit): Promise<CommitOutcome> {
    const state = checkForWrite(storedStateSchema, turn.state, 'sessions.state');
    const outcome =
      turn.participantId === undefined
        ? await this.createSession(turn, state)
        : await this.advanceSession(turn, turn.participantId, state);
    if (outcome.kind !== 'committed') return outcome;
    const { participantId, outbox, appliedBefore } = outcome;
    const { version } = outbox;
    const [participantFound, previousExists] = await Promise.all([
      applyOutbox(this.c, participantId, outbox, appliedBefore),
      version > 1 ? this.versions.slim(participantId, version - 1) : true,
    ]);
    // A deletion removes the identities, then the participant, then the sessions, answers and
    // transcripts. After the first turn the participant exists until deleted: if this turn's
    // last write found it, the deletion will also erase what this turn wrote. The first turn
    // creates it: then its identity, removed first, tells.
    const kept =
      previousExists &&
      (version > 1
        ? participantFound
        : (await this.participantOf(identityKey(turn.identity))) === participantId);
    if (!kept) {
      // The participant was deleted while this turn was committed: erase what it re-created.
      await deleteParticipantData(this.c, participantId, { count: false });
      return conflict;
    }
    return { kind: 'committed', participantId, version };
  }

  async wasProcessed(inboundId: string): Promise<boolean> {
    const found = await this.c.processedInbound.findOne(
      { _id: inboundId },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  async deleteParticipant(participantId: string): Promise<void> {
    await deleteParticipantData(this.c, participantId);
  }

  /** A first message: the identity's unique `_id` decides between concurrent first messages. */
  private async createSession(
    turn: TurnToCommit,
    state: StoredState,
  ): Promise<Committed | Refused> {
    if (turn.expectedVersion !== 0)
      throw invalidTurn('a turn without participantId must expect version 0');
    if (await this.processedBefore(turn)) return duplicate;
    const identity = checkForWrite(identitySchema, turn.identity, 'an identity');
    const key = identityKey(identity);
    let participantId = this.newParticipantId();
    try {
      const doc = { _id: key, ...identity, participantId, createdAt: turn.at };
      await this.c.identities.insertOne(checkForWrite(identityDocSchema, doc, `identities/${key}`));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.participantOf(key);
      if (existing === null) return conflict; // deleted meanwhile: start again
      participantId = existing;
      const latest = await this.versions.latest(participantId);
      if (latest !== null) return refusal(latest.session, turn.inboundId);
      // An identity without a session: its creator crashed, or is about to insert version 1.
      // Either way, insert it under that id; if the creator wins, the insert says so.
    }
    return this.insertVersion(turn, participantId, state, [], 0);
  }

  /** A later message: built on the newest version, or refused. */
  private async advanceSession(
    turn: TurnToCommit,
    participantId: string,
    state: StoredState,
  ): Promise<Committed | Refused> {
    if (turn.expectedVersion < 1)
      throw invalidTurn('a turn with a participantId must expect version 1 or more');
    const { inboundId, recentInboundIds: recent } = turn;
    if (recent !== undefined) {
      // Built on what `load` returned (and settled): the insert alone refuses a stale turn.
      if (inboundId !== undefined && recent.includes(inboundId)) return duplicate;
      if (await this.processedBefore(turn)) return duplicate;
      return this.insertVersion(turn, participantId, state, recent, turn.expectedVersion);
    }
    const [processed, latest] = await Promise.all([
      this.processedBefore(turn),
      this.versions.latest(participantId, turn.expectedVersion),
    ]);
    if (processed) return duplicate;
    if (latest === null) return conflict; // deleted meanwhile: loading again starts afresh
    const { session } = latest;
    const seen = inboundId !== undefined && session.recentInboundIds.includes(inboundId);
    if (seen || session.version !== turn.expectedVersion) return refusal(session, inboundId);
    // Effects of the version built on must be applied before a newer one supersedes them.
    const applied = await this.versions.settle(latest);
    return this.insertVersion(turn, participantId, state, session.recentInboundIds, applied);
  }

  /** The commit point: one insert, whose `_id` exists at most once. */
  private async insertVersion(
    turn: TurnToCommit,
    participantId: string,
    state: StoredState,
    recent: string[],
    appliedBefore: number,
  ): Promise<Committed | Refused> {
    const version = turn.expectedVersion + 1;
    const outbox = checkForWrite(outboxSchema, turnOutbox(turn, version), 'sessions.outbox');
    const recentInboundIds =
      turn.inboundId === undefined
        ? recent
        : [...recent, turn.inboundId].slice(-recentInboundLimit);
    const _id = `${participantId}:${version}`;
    const doc = {
      _id,
      participantId,
      version,
      at: turn.at,
      committedAt: this.now(),
      state,
      recentInboundIds,
      outbox,
    };
    try {
      await this.versions.insert(checkForWrite(liveSessionDocSchema, doc, `sessions/${_id}`));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Someone committed this version first: this very message (a redelivery), or another.
      const winner = await this.versions.latest(participantId, version);
      return winner === null ? conflict : refusal(winner.session, turn.inboundId);
    }
    return { kind: 'committed', participantId, outbox, appliedBefore };
  }

  /** Whether the turn's inbound id was processed, unless the caller has just asked. */
  private async processedBefore(turn: TurnToCommit): Promise<boolean> {
    if (turn.inboundId === undefined || turn.inboundChecked === true) return false;
    return this.wasProcessed(turn.inboundId);
  }

  private async participantOf(key: string): Promise<string | null> {
    const raw = await this.c.identities.findOne({ _id: key });
    return raw === null
      ? null
      : parseStored(identityDocSchema, raw, `identities/${key}`).participantId;
  }
}

interface Committed {
  kind: 'committed';
  participantId: string;
  outbox: Outbox;
  /** The participant's last applied version before this turn (0: none). */
  appliedBefore: number;
}

function refusal(session: LiveSessionDoc, inboundId: string | undefined): Refused {
  return inboundId !== undefined && session.recentInboundIds.includes(inboundId)
    ? duplicate
    : conflict;
}

/** The `_id` of an identity document; values only, never a field name. */
function identityKey(identity: ChannelIdentity): string {
  return `${identity.channel}:${identity.externalId}`;
}

function invalidTurn(problem: string): StorageError {
  return new StorageError('invalid_argument', `commitTurn: ${problem}`);
}
