import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { OutboxWriters, applyOutbox, type ParticipantKnown } from './apply-outbox.js';
import { collections, type Collections } from './collections.js';
import type {
  ChannelIdentity,
  CommitOutcome,
  ConversationStore,
  StoredSession,
  TurnToCommit,
} from './conversation-store.js';
import { deleteParticipantData, sweepParticipantData } from './delete-participant-data.js';
import {
  identityDocSchema,
  identitySchema,
  outboxSchema,
  sessionDocSchema,
  storedStateSchema,
  type IdentityDoc,
  type Outbox,
  type StoredState,
} from './documents.js';
import { InsertBatcher } from './insert-batcher.js';
import { SessionCache, type CachedSession } from './session-cache.js';
import { SessionVersions, type LiveSession } from './session-versions.js';
import { SlimQueue } from './slim-queue.js';
import { StorageError, checkForWrite, parseStored } from './storage-error.js';
import { turnOutbox } from './turn-outbox.js';

export interface MongoConversationStoreOptions {
  now?: () => Date;
  /** Makes participant ids; random and unguessable unless a test needs fixed ones. */
  newParticipantId?: () => string;
  /**
   * How long a session this process committed is trusted without reading it back (default one
   * minute; 0 turns the cache off). Another process's commit is noticed anyway (the insert of
   * the next version is refused); the limit bounds what only a read would show: an identity
   * moved by a continuation code redeemed in another process.
   */
  cacheMs?: number;
  /** Superseded versions are slimmed when no turn was committed for this long (ms). */
  slimWhenIdleMs?: number;
}

/** How many inbound ids a session remembers; older ones are found in processed_inbound. */
const recentInboundLimit = 20;
/** A participant document's activity time is refreshed at most this often when nothing else changes. */
const activityRefreshMs = 10 * 60_000;
/** A deletion looks again this long after, for what a turn committed just before wrote late. */
const deletionSweepMs = 5_000;
const duplicate = { kind: 'duplicate' } as const;
const conflict = { kind: 'conflict' } as const;
type Refused = typeof duplicate | typeof conflict;

/**
 * ConversationStore on MongoDB or FerretDB v1, without transactions, by the outbox pattern.
 * A turn commits by inserting the session's next version "<participantId>:<version>" (state,
 * inbound ids and the turn's pending effects in one document): of two turns built on the same
 * version, only one insert succeeds — a unique `_id` is the one arbiter FerretDB v1 makes
 * atomic. The effects are then applied idempotently before `commitTurn` resolves; a crash in
 * between is repaired by the next `load` that reads the version back.
 *
 * For speed on FerretDB v1 (where every operation costs a millisecond of its CPU): inserts of
 * concurrent turns are batched; sessions this process committed are kept in memory, so a turn
 * usually reads nothing; the participant document is written only when a field of it changes;
 * superseded versions are slimmed when the server is idle.
 */
export class MongoConversationStore implements ConversationStore {
  private readonly c: Collections;
  private readonly now: () => Date;
  private readonly newParticipantId: () => string;
  private readonly versions: SessionVersions;
  private readonly writers: OutboxWriters;
  private readonly identities: InsertBatcher<IdentityDoc>;
  private readonly cache: SessionCache;
  private readonly slimQueue: SlimQueue;

  constructor(db: Db, options: MongoConversationStoreOptions = {}) {
    this.c = collections(db);
    this.now = options.now ?? (() => new Date());
    this.newParticipantId = options.newParticipantId ?? randomUUID;
    this.versions = new SessionVersions(this.c);
    this.writers = new OutboxWriters(this.c);
    this.identities = new InsertBatcher(this.c.identities);
    this.cache = new SessionCache(options.cacheMs ?? 60_000);
    this.slimQueue = new SlimQueue(
      (ids) => this.versions.slim(ids),
      options.slimWhenIdleMs ?? 1_000,
    );
  }

  async load(identity: ChannelIdentity): Promise<StoredSession | null> {
    const key = identityKey(checkForWrite(identitySchema, identity, 'an identity lookup'));
    const cached = this.cache.get(key, Date.now());
    if (cached) {
      const { participantId, state, version, recentInboundIds } = cached;
      return { participantId, state, version, recentInboundIds, fromCache: true };
    }
    const participantId = await this.participantOf(key);
    if (participantId === null) return null;
    const latest = await this.versions.latest(
      participantId,
      await this.appliedVersion(participantId),
    );
    if (latest === null) return null;
    await this.settle(latest);
    this.remember(key, latest, undefined);
    const { state, version, recentInboundIds } = latest;
    return { participantId, state, version, recentInboundIds };
  }

  async commitTurn(turn: TurnToCommit): Promise<CommitOutcome> {
    const state = checkForWrite(storedStateSchema, turn.state, 'sessions.state');
    const key = identityKey(turn.identity);
    const cached = this.cache.peek(key);
    const outcome =
      turn.participantId === undefined
        ? await this.createSession(turn, state)
        : await this.advanceSession(turn, turn.participantId, state);
    if (outcome.kind !== 'committed') {
      this.cache.forget(key);
      return outcome;
    }
    const { participantId, outbox } = outcome;
    const { version } = outbox;
    const before =
      cached?.participantId === participantId && cached.version === version - 1
        ? cached
        : undefined;
    const known = participantKnown(outbox, before, turn.at);
    await applyOutbox(this.writers, participantId, outbox, known);
    this.remember(
      key,
      { participantId, version, state, recentInboundIds: outcome.recentInboundIds },
      known === 'same' ? before?.participantWrittenAt : turn.at,
    );
    if (version > 1) this.slimQueue.add(`${participantId}:${version - 1}`);
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
    this.cache.forgetParticipant(participantId);
    await deleteParticipantData(this.c, this.versions, participantId, this.now());
    // A turn of this participant committed just before the deletion may still be writing.
    setTimeout(() => {
      sweepParticipantData(this.c, participantId).catch(() => undefined);
    }, deletionSweepMs).unref();
  }

  /** Slims every superseded version now instead of waiting for an idle moment. */
  async compact(): Promise<void> {
    await this.slimQueue.drain();
  }

  /** Forgets what this process remembers of an identity (its participant changed elsewhere). */
  forget(identity: ChannelIdentity): void {
    this.cache.forget(identityKey(identity));
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
    const doc = { _id: key, ...identity, participantId, createdAt: turn.at };
    const inserted = await this.identities.insert(
      checkForWrite(identityDocSchema, doc, `identities/${key}`),
    );
    if (inserted === 'duplicate') {
      const existing = await this.participantOf(key);
      if (existing === null) return conflict; // deleted meanwhile: start again
      participantId = existing;
      const latest = await this.versions.latest(participantId);
      if (latest !== null) return refusal(latest, turn.inboundId);
      // An identity without a session: its creator crashed, or is about to insert version 1.
      // Either way, insert it under that id; if the creator wins, the insert says so.
    }
    return this.insertVersion(turn, participantId, state, []);
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
      return this.insertVersion(turn, participantId, state, recent);
    }
    const [processed, latest] = await Promise.all([
      this.processedBefore(turn),
      this.versions.latest(participantId, turn.expectedVersion),
    ]);
    if (processed) return duplicate;
    if (latest === null) return conflict; // deleted meanwhile: loading again starts afresh
    const seen = inboundId !== undefined && latest.recentInboundIds.includes(inboundId);
    if (seen || latest.version !== turn.expectedVersion) return refusal(latest, inboundId);
    // Effects of the version built on must be applied before a newer one supersedes them.
    await this.settle(latest);
    return this.insertVersion(turn, participantId, state, latest.recentInboundIds);
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
    const recentInboundIds =
      turn.inboundId === undefined
        ? recent
        : [...recent, turn.inboundId].slice(-recentInboundLimit);
    const _id = `${participantId}:${version}`;
    const doc = checkForWrite(
      sessionDocSchema,
      {
        _id,
        participantId,
        version,
        at: turn.at,
        committedAt: this.now(),
        consultationId: state.consultationId,
        ...(state.councilId === undefined ? {} : { councilId: state.councilId }),
        completedThemes: state.completedThemes,
        state: JSON.stringify(state),
        recentInboundIds,
        outbox: JSON.stringify(outbox),
      },
      `sessions/${_id}`,
    );
    if ((await this.versions.insert(doc)) === 'duplicate') {
      // Someone committed this version first: this very message (a redelivery), or another.
      const winner = await this.versions.latest(participantId, version);
      return winner === null ? conflict : refusal(winner, turn.inboundId);
    }
    return { kind: 'committed', participantId, outbox, recentInboundIds };
  }

  /** Applies the outbox of a version read back (its committer may have crashed before). */
  private async settle(latest: LiveSession): Promise<void> {
    if (latest.outbox)
      await applyOutbox(this.writers, latest.participantId, latest.outbox, 'unknown');
  }

  private remember(
    key: string,
    session: Omit<CachedSession, 'participantWrittenAt' | 'cachedAt'>,
    participantWrittenAt: Date | undefined,
  ): void {
    this.cache.set(key, { ...session, participantWrittenAt, cachedAt: Date.now() });
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

  /** The version of the participant document's last write: a version known to exist (0: none). */
  private async appliedVersion(participantId: string): Promise<number> {
    const raw = await this.c.participants.findOne(
      { _id: participantId },
      { projection: { sessionVersion: 1 } },
    );
    return raw === null
      ? 0
      : parseStored(appliedSchema, raw, `participants/${participantId}`).sessionVersion;
  }
}

const appliedSchema = z.object({ sessionVersion: z.int().min(0) });

interface Committed {
  kind: 'committed';
  participantId: string;
  outbox: Outbox;
  recentInboundIds: string[];
}

/**
 * Whether the participant document needs writing: not before consent (it is created with it),
 * and not when the version before was committed
 * here with the same participant fields, and its activity time is recent enough. Completed
 * themes alone do not count (figures per theme read them from the sessions).
 */
function participantKnown(
  outbox: Outbox,
  before: CachedSession | undefined,
  at: Date,
): ParticipantKnown {
  if (outbox.participant.consented === false) return 'same'; // nothing kept before consent
  if (outbox.version === 1 || before?.state.consented === false) return 'new';
  if (before?.participantWrittenAt === undefined) return 'unknown';
  const p = outbox.participant;
  const s = before.state;
  const unchanged =
    !p.consentGiven &&
    !p.completedNow &&
    p.lang === s.lang &&
    p.councilId === s.councilId &&
    p.remindersOff === s.remindersOff &&
    p.status === (s.completed ? 'completed' : 'started') &&
    at.getTime() - before.participantWrittenAt.getTime() < activityRefreshMs;
  return unchanged ? 'same' : 'older';
}

function refusal(session: LiveSession, inboundId: string | undefined): Refused {
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
