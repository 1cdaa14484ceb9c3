import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
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
import { turnOutbox } from './turn-outbox.js';
import { StorageError, checkForWrite, parseStored } from './storage-error.js';

export interface MongoConversationStoreOptions {
  now?: () => Date;
  /** Makes participant ids; random and unguessable unless a test needs fixed ones. */
  newParticipantId?: () => string;
}

/** How many inbound ids a session remembers; older ones are found in processed_inbound. */
const recentInboundLimit = 20;
/** How long the committer of a turn is trusted to apply its outbox before others do it. */
const outboxLeaseMs = 3_000;
const outboxPollMs = 20;
const duplicate = { kind: 'duplicate' } as const;
const conflict = { kind: 'conflict' } as const;
type Refused = typeof duplicate | typeof conflict;

/**
 * ConversationStore on MongoDB or FerretDB without transactions, by the outbox pattern. A turn
 * commits by inserting the session's next version, "<participantId>:<version>" (state, inbound
 * ids and the turn's pending effects in one document): of two turns built on the same version,
 * only one insert succeeds. The effects are then applied idempotently and cleared; a crash in
 * between is repaired by the next `load` or `commitTurn` of that participant.
 */
export class MongoConversationStore implements ConversationStore {
  private readonly c: Collections;
  private readonly now: () => Date;
  private readonly newParticipantId: () => string;

  constructor(db: Db, options: MongoConversationStoreOptions = {}) {
    this.c = collections(db);
    this.now = options.now ?? (() => new Date());
    this.newParticipantId = options.newParticipantId ?? randomUUID;
  }

  async load(identity: ChannelIdentity): Promise<StoredSession | null> {
    const key = identityKey(checkForWrite(identitySchema, identity, 'an identity lookup'));
    const raw = await this.c.identities.findOne({ _id: key });
    if (raw === null) return null;
    const { participantId } = parseStored(identityDocSchema, raw, `identities/${key}`);
    const session = await this.latestSession(participantId);
    if (session === null) return null;
    await this.settle(session);
    return { participantId, state: session.state, version: session.version, recentInboundIds: session.recentInboundIds };
  }

  async commitTurn(turn: TurnToCommit): Promise<CommitOutcome> {
    if (turn.inboundId !== undefined && (await this.wasProcessed(turn.inboundId))) return duplicate;
    const state = checkForWrite(storedStateSchema, turn.state, 'sessions.state');
    const outcome =
      turn.participantId === undefined
        ? await this.createSession(turn, state)
        : await this.advanceSession(turn, turn.participantId, state);
    if (outcome.kind !== 'committed') return outcome;
    const { participantId, outbox } = outcome;
    await this.finishTurn(participantId, outbox);
    const [, identity] = await Promise.all([
      outbox.version > 1 ? this.slim(participantId, outbox.version - 1) : undefined,
      this.c.identities.findOne({ participantId }, { projection: { _id: 1 } }),
    ]);
    if (identity === null) {
      // The participant was deleted while this turn was committed: erase what it re-created.
      await deleteParticipantData(this.c, participantId, { count: false });
      return conflict;
    }
    return { kind: 'committed', participantId, version: outbox.version };
  }

  async wasProcessed(inboundId: string): Promise<boolean> {
    return (await this.c.processedInbound.findOne({ _id: inboundId }, { projection: { _id: 1 } })) !== null;
  }

  async deleteParticipant(participantId: string): Promise<void> {
    await deleteParticipantData(this.c, participantId);
  }

  /** A first message: the identity's unique `_id` decides between concurrent first messages. */
  private async createSession(turn: TurnToCommit, state: StoredState): Promise<Committed | Refused> {
    if (turn.expectedVersion !== 0) throw invalidTurn('a turn without participantId must expect version 0');
    const identity = checkForWrite(identitySchema, turn.identity, 'an identity');
    const key = identityKey(identity);
    let participantId = this.newParticipantId();
    try {
      const doc = { _id: key, ...identity, participantId, createdAt: turn.at };
      await this.c.identities.insertOne(checkForWrite(identityDocSchema, doc, `identities/${key}`));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.c.identities.findOne({ _id: key });
      if (existing === null) return conflict; // deleted meanwhile: start again
      participantId = parseStored(identityDocSchema, existing, `identities/${key}`).participantId;
      const session = await this.latestSession(participantId);
      if (session !== null) return refusal(session, turn.inboundId);
      // An identity without a session: its creator crashed, or is about to insert version 1.
      // Either way, insert it under that id; if the creator wins, the insert says so.
    }
    return this.insertVersion(turn, participantId, state, []);
  }

  /** A later message: built on the newest version, or refused. */
  private async advanceSession(turn: TurnToCommit, participantId: string, state: StoredState): Promise<Committed | Refused> {
    if (turn.expectedVersion < 1) throw invalidTurn('a turn with a participantId must expect version 1 or more');
    const session = await this.latestSession(participantId);
    if (session === null) return conflict; // deleted meanwhile: loading again starts afresh
    if (session.version !== turn.expectedVersion || session.recentInboundIds.includes(turn.inboundId ?? '')) {
      return refusal(session, turn.inboundId);
    }
    // Effects of the version built on must be applied before a newer one supersedes them.
    await this.settle(session);
    return this.insertVersion(turn, participantId, state, session.recentInboundIds);
  }

  /** The commit point: one insert, whose `_id` exists at most once. */
  private async insertVersion(
    turn: TurnToCommit,
    participantId: string,
    state: StoredState,
    recent: string[],
  ): Promise<Committed | Refused> {
    const version = turn.expectedVersion + 1;
    const outbox = checkForWrite(outboxSchema, turnOutbox(turn, version), 'sessions.outbox');
    const recentInboundIds = turn.inboundId === undefined ? recent : [...recent, turn.inboundId].slice(-recentInboundLimit);
    const _id = `${participantId}:${version}`;
    const doc = { _id, participantId, version, at: turn.at, committedAt: this.now(), state, recentInboundIds, outbox };
    try {
      await this.c.sessions.insertOne(checkForWrite(liveSessionDocSchema, doc, `sessions/${_id}`));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Someone committed this version first: this very message (a redelivery), or another.
      const winner = await this.latestSession(participantId);
      return winner === null ? conflict : refusal(winner, turn.inboundId);
    }
    return { kind: 'committed', participantId, outbox };
  }

  /**
   * Makes sure the effects of `session` are applied. A fresh outbox is most likely being
   * applied by the process that committed it: wait for that briefly instead of repeating its
   * writes (a double tap would otherwise write everything twice); apply it after the lease.
   */
  private async settle(session: LiveSessionDoc): Promise<void> {
    if (!session.outbox) return;
    const age = this.now().getTime() - session.committedAt.getTime();
    for (let waited = Math.max(0, age); waited < outboxLeaseMs; waited += outboxPollMs) {
      await delay(outboxPollMs);
      const pending = await this.c.sessions.findOne({ _id: session._id, outbox: { $exists: true } }, { projection: { _id: 1 } });
      if (pending === null) return;
    }
    await this.finishTurn(session.participantId, session.outbox);
  }

  private async finishTurn(participantId: string, outbox: Outbox): Promise<void> {
    await applyOutbox(this.c, participantId, outbox);
    await this.c.sessions.updateOne({ _id: `${participantId}:${outbox.version}` }, { $unset: { outbox: '' } });
  }

  /** A superseded version keeps only its `_id` (still taken) and a few fields. */
  private async slim(participantId: string, version: number): Promise<void> {
    await this.c.sessions.updateOne(
      { _id: `${participantId}:${version}` },
      { $unset: { state: '', recentInboundIds: '', outbox: '' } },
    );
  }

  private async latestSession(participantId: string): Promise<LiveSessionDoc | null> {
    const [raw] = await this.c.sessions.find({ participantId }).sort({ version: -1 }).limit(1).toArray();
    return raw === undefined ? null : parseStored(liveSessionDocSchema, raw, `sessions/${raw._id}`);
  }
}

interface Committed {
  kind: 'committed';
  participantId: string;
  outbox: Outbox;
}

function refusal(session: LiveSessionDoc, inboundId: string | undefined): Refused {
  return inboundId !== undefined && session.recentInboundIds.includes(inboundId) ? duplicate : conflict;
}

/** The `_id` of an identity document; values only, never a field name. */
function identityKey(identity: ChannelIdentity): string {
  return `${identity.channel}:${identity.externalId}`;
}

function invalidTurn(problem: string): StorageError {
  return new StorageError('invalid_argument', `commitTurn: ${problem}`);
}
