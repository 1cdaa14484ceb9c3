import { randomUUID } from 'node:crypto';
import type { Filter, UpdateFilter } from 'mongodb';
import { z } from 'zod';
import type { Collections } from './collections.js';
import {
  identityDocSchema,
  identitySchema,
  participantDocSchema,
  participantSummarySchema,
  recentInboundLimit,
  type ParticipantDoc,
} from './documents.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import { identityKey, type ChannelIdentity } from './identity.js';
import {
  lastTurnFromStored,
  lastTurnToStored,
  type StoredParticipantDoc,
} from './last-turn-text.js';
import { RecentCommits } from './recent-commits.js';
import { StorageError, checkForWrite, parseStored } from './storage-error.js';
import type {
  CommitOutcome,
  LoadedParticipant,
  ParticipantFilter,
  ParticipantRepository,
  ParticipantSummary,
  TurnCommit,
} from './storage.js';
import { parseStoredState, storedStateSchema } from './stored-state.js';

/** What a commit sets: everything but what belongs to the document once it exists. */
const commitSetSchema = participantDocSchema.omit({
  _id: true,
  identities: true,
  reminders: true,
  workshopInvitation: true,
  createdAt: true,
});

/** What a listing reads: everything but the engine state and the last turn. */
const summaryProjection = { state: 0, lastTurn: 0, recentInboundIds: 0 } as const;

/**
 * `participants` and `identities` on MongoDB. A turn commits with one `updateOne` on
 * `{ _id, version }`; someone new gets a participant document, then an identity whose unique
 * `_id` decides between concurrent first messages (the loser removes its document).
 * What this process committed last is remembered (`RecentCommits`), so a turn usually reads
 * only the identity: on FerretDB v1 reading the participant costs as much as updating it.
 */
export class MongoParticipants implements ParticipantRepository {
  private readonly recent = new RecentCommits();

  constructor(
    private readonly c: Collections,
    private readonly newId: () => string = randomUUID,
  ) {}

  async load(identity: ChannelIdentity): Promise<LoadedParticipant | null> {
    const key = identityKey(checkForWrite(identitySchema, identity, 'an identity lookup'));
    const link = await this.c.identities.findOne({ _id: key });
    if (link === null) return null;
    const { participantId } = parseStored(identityDocSchema, link, `identities/${key}`);
    const mine = this.recent.get(participantId);
    if (mine !== undefined) return mine;
    const raw = await this.c.participants.findOne({ _id: participantId });
    if (raw === null) {
      // An erasure stopped between the participant and its identities: finish it.
      await this.c.identities.deleteOne({ _id: key, participantId });
      return null;
    }
    return loadedFrom(raw);
  }

  async commit(turn: TurnCommit): Promise<CommitOutcome> {
    const state = checkForWrite(storedStateSchema, turn.state, 'participants.state');
    return turn.loaded === null ? this.create(turn, state) : this.advance(turn, turn.loaded, state);
  }

  async get(participantId: string): Promise<ParticipantSummary | null> {
    const raw = await this.c.participants.findOne(
      { _id: participantId },
      { projection: summaryProjection },
    );
    return raw === null ? null : summaryOf(raw);
  }

  async *list(filter: ParticipantFilter): AsyncGenerator<ParticipantSummary> {
    const cursor = this.c.participants.find(mongoFilter(filter), {
      projection: summaryProjection,
    });
    try {
      for await (const raw of cursor) yield summaryOf(raw);
    } finally {
      await cursor.close();
    }
  }

  count(filter: ParticipantFilter): Promise<number> {
    return this.c.participants.countDocuments(mongoFilter(filter));
  }

  async attachIdentity(
    identity: ChannelIdentity,
    participantId: string,
    at: Date,
  ): Promise<{ moved: boolean }> {
    const checked = checkForWrite(identitySchema, identity, 'an identity');
    const key = identityKey(checked);
    const previous = await this.c.identities.findOne({ _id: key });
    await this.c.identities.updateOne(
      { _id: key },
      { $set: { ...checked, participantId }, $setOnInsert: { createdAt: at } },
      { upsert: true },
    );
    await this.c.participants.updateOne(
      { _id: participantId },
      { $addToSet: { identities: checked } },
    );
    const left = previous?.participantId;
    if (left === undefined || left === participantId) return { moved: false };
    await this.c.participants.updateOne({ _id: left }, { $pull: { identities: checked } });
    const before = await this.get(left);
    // What someone who never consented left behind is no one's: gone with its last identity.
    if (before?.status === 'consent_pending' && before.identities.length === 0)
      await this.c.participants.deleteOne({ _id: left });
    return { moved: before !== null && before.status !== 'consent_pending' };
  }

  async remove(participantId: string): Promise<boolean> {
    this.recent.forget(participantId);
    const raw = await this.c.participants.findOne(
      { _id: participantId },
      { projection: { identities: 1 } },
    );
    const removed = await this.c.participants.deleteOne({ _id: participantId });
    const identities = identitySchema.array().safeParse(raw?.['identities']).data ?? [];
    for (const identity of identities)
      await this.c.identities.deleteOne({ _id: identityKey(identity), participantId });
    return removed.deletedCount > 0;
  }

  /** A first message: the participant document, then the identity that decides. */
  private async create(turn: TurnCommit, state: TurnCommit['state']): Promise<CommitOutcome> {
    if (turn.lastTurn.version !== 1) throw invalidTurn('a first turn must be version 1');
    const identity = checkForWrite(identitySchema, turn.identity, 'an identity');
    const participantId = this.newId();
    const doc = checkForWrite(
      participantDocSchema,
      {
        _id: participantId,
        version: 1,
        identities: [identity],
        ...definedFields(turn),
        ...(turn.consent ? { consent: turn.consent } : {}),
        reminders: { received: 0 },
        state,
        recentInboundIds: turn.inboundId === undefined ? [] : [turn.inboundId],
        lastTurn: turn.lastTurn,
        createdAt: turn.at,
        updatedAt: turn.at,
        lastActivityAt: turn.at,
      },
      `participants/${participantId}`,
    );
    await this.c.participants.insertOne(stored(doc));
    const key = identityKey(identity);
    try {
      await this.c.identities.insertOne({
        _id: key,
        ...identity,
        participantId,
        createdAt: turn.at,
      });
      this.remember(participantId, turn, state, doc.recentInboundIds);
      return { kind: 'committed', participantId, version: 1 };
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        // Not committed: leave no document without an identity behind (if the server lets us).
        await this.c.participants.deleteOne({ _id: participantId }).catch(() => undefined);
        throw error;
      }
    }
    // Another first message of the same person won: this one is replayed on theirs.
    await this.c.participants.deleteOne({ _id: participantId });
    const link = await this.c.identities.findOne({ _id: key });
    const winner = link === null ? undefined : String(link.participantId);
    return winner === undefined ? { kind: 'conflict' } : this.refusal(winner, turn.inboundId);
  }

  /** A later message: committed only if nobody committed since the load. */
  private async advance(
    turn: TurnCommit,
    loaded: NonNullable<TurnCommit['loaded']>,
    state: TurnCommit['state'],
  ): Promise<CommitOutcome> {
    const version = loaded.version + 1;
    if (turn.lastTurn.version !== version)
      throw invalidTurn('lastTurn.version must follow the load');
    const { inboundId } = turn;
    if (inboundId !== undefined && loaded.recentInboundIds.includes(inboundId))
      return { kind: 'duplicate' };
    const recentInboundIds =
      inboundId === undefined
        ? loaded.recentInboundIds
        : [...loaded.recentInboundIds, inboundId].slice(-recentInboundLimit);
    const fields = definedFields(turn);
    const set = checkForWrite(
      commitSetSchema,
      {
        ...fields,
        ...(turn.consent ? { consent: turn.consent } : {}),
        ...(turn.completedAt ? { completedAt: turn.completedAt } : {}),
        version,
        state,
        recentInboundIds,
        lastTurn: turn.lastTurn,
        updatedAt: turn.at,
        lastActivityAt: turn.at,
      },
      `participants/${loaded.participantId}`,
    );
    // Top-level fields a state can lose (a council or role answer changed to « je ne sais pas »).
    const unset: UpdateFilter<StoredParticipantDoc>['$unset'] = {
      ...(fields['councilId'] === undefined ? { councilId: '' } : {}),
      ...(fields['role'] === undefined ? { role: '' } : {}),
      ...(turn.reminderShown === undefined ? {} : { 'reminders.waiting': '' }),
      ...(turn.invitationShown === undefined ? {} : { workshopInvitation: '' }),
    };
    const filter: Filter<StoredParticipantDoc> = {
      _id: loaded.participantId,
      version: loaded.version,
    };
    if (turn.reminderShown !== undefined)
      filter['reminders.waiting.deliveryId'] = String(turn.reminderShown);
    if (turn.invitationShown !== undefined)
      filter['workshopInvitation.drawId'] = String(turn.invitationShown);
    const result = await this.c.participants.updateOne(
      filter,
      Object.keys(unset).length > 0 ? { $set: stored(set), $unset: unset } : { $set: stored(set) },
    );
    if (result.matchedCount === 1) {
      this.remember(loaded.participantId, turn, state, recentInboundIds);
      return { kind: 'committed', participantId: loaded.participantId, version };
    }
    this.recent.forget(loaded.participantId);
    return this.refusal(loaded.participantId, inboundId);
  }

  private remember(
    participantId: string,
    turn: TurnCommit,
    state: TurnCommit['state'],
    recentInboundIds: string[],
  ): void {
    const { version } = turn.lastTurn;
    this.recent.set({ participantId, version, state, recentInboundIds, lastTurn: turn.lastTurn });
  }

  /** Why a commit was refused: this very message applied already, or another turn first. */
  private async refusal(
    participantId: string,
    inboundId: string | undefined,
  ): Promise<CommitOutcome> {
    if (inboundId === undefined) return { kind: 'conflict' };
    const raw = await this.c.participants.findOne({ _id: participantId });
    if (raw === null) return { kind: 'conflict' }; // erased meanwhile: loading again starts afresh
    const stored = loadedFrom(raw);
    if (!stored.recentInboundIds.includes(inboundId)) return { kind: 'conflict' };
    return stored.lastTurn.inboundId === inboundId
      ? { kind: 'duplicate', lastTurn: stored.lastTurn }
      : { kind: 'duplicate' };
  }
}

/** The fields of the commit without undefined ones (which the schemas would refuse). */
function definedFields(turn: TurnCommit): Record<string, unknown> {
  return Object.fromEntries(Object.entries(turn.fields).filter(([, value]) => value !== undefined));
}

/** A document as written: `lastTurn` as JSON text (last-turn-text.ts). */
function stored<T extends { lastTurn: ParticipantDoc['lastTurn'] }>(doc: T) {
  return { ...doc, lastTurn: lastTurnToStored(doc.lastTurn) };
}

const storedDocSchema = participantDocSchema.extend({ lastTurn: z.unknown() });

function loadedFrom(raw: unknown): LoadedParticipant {
  const where = `participants/${String(Object(raw)._id)}`;
  const doc = parseStored(storedDocSchema, raw, where);
  return {
    participantId: doc._id,
    version: doc.version,
    state: parseStoredState(doc.state, where),
    recentInboundIds: doc.recentInboundIds,
    lastTurn: lastTurnFromStored(doc.lastTurn, where),
    ...(doc.reminders.waiting ? { reminderWaiting: doc.reminders.waiting.deliveryId } : {}),
    ...(doc.workshopInvitation
      ? {
          invitationWaiting: {
            drawId: doc.workshopInvitation.drawId,
            text: doc.workshopInvitation.text,
          },
        }
      : {}),
  };
}

function summaryOf(raw: unknown): ParticipantSummary {
  const where = `participants/${String(Object(raw)._id)}`;
  const { _id, ...rest } = parseStored(participantSummarySchema, raw, where);
  return { participantId: _id, ...rest };
}

/** Filter values are typed: a caller's text can only ever be compared, never run. */
function mongoFilter(filter: ParticipantFilter): Filter<StoredParticipantDoc> {
  const query: Filter<StoredParticipantDoc> = {};
  if (filter.consultationId !== undefined) query.consultationId = String(filter.consultationId);
  if (filter.councilIds !== undefined) query.councilId = { $in: filter.councilIds.map(String) };
  if (filter.statuses !== undefined) query.status = { $in: [...filter.statuses] };
  if (filter.remindable === true) {
    query.unreachable = false;
    query.remindersOff = false;
  }
  return query;
}

function invalidTurn(problem: string): StorageError {
  return new StorageError('invalid_argument', `commit: ${problem}`);
}
