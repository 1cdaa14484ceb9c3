import type { Collection, Db, Filter } from 'mongodb';
import { collectionNames, collections } from './collections.js';
import { participantSummarySchema } from './documents.js';
import type { StoredParticipantDoc } from './last-turn-text.js';
import { isDuplicateKeyError } from './duplicate-key.js';
import {
  deliveryDocSchema,
  waveDocSchema,
  type BlockLease,
  type DeliveryDoc,
  type DeliveryState,
  type Outcome,
  type WaveDoc,
} from './reminder-documents.js';
import { checkForWrite, parseStored } from './storage-error.js';
import type { ParticipantSummary } from './storage.js';

/** What `claimParticipant` checks, from the wave and the consultation's settings. */
export interface ClaimRules {
  consultationId: string;
  councilIds?: readonly string[] | undefined;
  maxPerParticipant: number;
  minHoursBetween: number;
}

/** A block of a wave claimed by this process. */
export interface ClaimedBlock {
  waveId: string;
  key: string;
  start: number;
  end: number;
}

/** What a delivery write changes besides its state. */
export interface DeliveryPatch {
  reason?: string | undefined;
  channel?: DeliveryDoc['channel'];
  attempts?: number;
  sentAt?: Date;
  by?: string;
}

/**
 * `reminder_waves` and `reminder_deliveries`, and the `reminders` field of participants.
 * Every claim is a conditional write (compare and set) on one document addressed by `_id`:
 * FerretDB v1 serialises writes, MongoDB applies each atomically, so one process wins.
 */
export class ReminderRepository {
  readonly waves: Collection<WaveDoc>;
  readonly deliveries: Collection<DeliveryDoc>;
  private readonly participants: Collection<StoredParticipantDoc>;

  constructor(db: Db) {
    const options = { ignoreUndefined: true };
    this.waves = db.collection<WaveDoc>(collectionNames.reminderWaves, options);
    this.deliveries = db.collection<DeliveryDoc>(collectionNames.reminderDeliveries, options);
    this.participants = collections(db).participants;
  }

  /** Creates a wave; false when one with this `_id` exists (a scheduled slot is created once). */
  async createWave(wave: WaveDoc): Promise<boolean> {
    const doc = checkForWrite(waveDocSchema, wave, `reminder_waves/${wave._id}`);
    try {
      await this.waves.insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async wave(waveId: string): Promise<WaveDoc | null> {
    const raw = await this.waves.findOne({ _id: waveId });
    return raw === null ? null : parseStored(waveDocSchema, raw, `reminder_waves/${waveId}`);
  }

  /** Waves of a consultation, oldest first (a small collection: a few per day at most). */
  async listWaves(filter: { consultationId?: string; states?: WaveDoc['state'][] } = {}) {
    const query: Filter<WaveDoc> = {};
    if (filter.consultationId !== undefined) query.consultationId = filter.consultationId;
    if (filter.states !== undefined) query.state = { $in: filter.states };
    const docs = await this.waves.find(query).toArray();
    return docs
      .map((raw) => parseStored(waveDocSchema, raw, `reminder_waves/${raw._id}`))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Takes the planning of a wave when nobody holds it (or their lease has run out). */
  async claimPlanner(wave: WaveDoc, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    if (wave.state !== 'planning') return false;
    if (wave.planner && wave.planner.until.getTime() > now.getTime()) return false;
    const filter: Filter<WaveDoc> = { _id: wave._id, state: 'planning' };
    if (wave.planner) {
      filter['planner.owner'] = wave.planner.owner;
      filter['planner.until'] = wave.planner.until;
    } else filter.planner = { $exists: false };
    const result = await this.waves.updateOne(filter, {
      $set: { planner: { owner, until: new Date(now.getTime() + leaseMs) } },
    });
    return result.matchedCount === 1;
  }

  /**
   * Writes a batch of planned deliveries and moves `planned` on, while `owner` holds the
   * planning (and extends it). False: someone else took it over; stop.
   */
  async addDeliveries(
    waveId: string,
    owner: string,
    batch: DeliveryDoc[],
    planned: number,
    until: Date,
  ): Promise<boolean> {
    const docs = batch.map((d) =>
      checkForWrite(deliveryDocSchema, d, `reminder_deliveries/${d._id}`),
    );
    if (docs.length > 0) await this.deliveries.insertMany(docs, { ordered: false });
    const result = await this.waves.updateOne(
      { _id: waveId, 'planner.owner': owner },
      { $set: { planned, 'planner.until': until } },
    );
    return result.matchedCount === 1;
  }

  /** Planning is over: the wave's blocks may be claimed. */
  async finishPlanning(waveId: string, owner: string, planned: number): Promise<boolean> {
    const result = await this.waves.updateOne(
      { _id: waveId, 'planner.owner': owner, state: 'planning' },
      { $set: { planned, state: planned === 0 ? 'done' : 'sending' }, $unset: { planner: '' } },
    );
    if (planned === 0 && result.matchedCount === 1)
      await this.waves.updateOne({ _id: waveId }, { $set: { finishedAt: new Date() } });
    return result.matchedCount === 1;
  }

  /** Deliveries by seq, `[from, to)`, as stored (missing ones left out). */
  async deliveriesOf(waveId: string, from: number, to: number): Promise<DeliveryDoc[]> {
    const ids = [];
    for (let seq = from; seq < to; seq += 1) ids.push(deliveryId(waveId, seq));
    if (ids.length === 0) return [];
    const docs = await this.deliveries.find({ _id: { $in: ids } }).toArray();
    return docs
      .map((raw) => parseStored(deliveryDocSchema, raw, `reminder_deliveries/${raw._id}`))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Removes deliveries `[from, to)` (those of a planning batch a crash left unrecorded). */
  async removeDeliveries(waveId: string, from: number, to: number): Promise<void> {
    const ids = [];
    for (let seq = from; seq < to; seq += 1) ids.push(deliveryId(waveId, seq));
    if (ids.length > 0) await this.deliveries.deleteMany({ _id: { $in: ids } });
  }

  /**
   * Claims the next block of a sending wave: a block whose lease ran out (its owner died, or
   * left it for the morning) first, else the next unclaimed seq numbers. Null: nothing left
   * to claim (a claim lost to another process is tried again on the wave as it is now).
   */
  async claimBlock(
    waveId: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<ClaimedBlock | null> {
    const until = new Date(now.getTime() + leaseMs);
    for (;;) {
      const wave = await this.wave(waveId);
      if (wave?.state !== 'sending') return null;
      const stale = Object.entries(wave.leases).find(([, l]) => l.until.getTime() <= now.getTime());
      if (stale) {
        const [key, lease] = stale;
        const taken = await this.waves.updateOne(
          {
            _id: waveId,
            state: 'sending',
            [`leases.${key}.owner`]: lease.owner,
            [`leases.${key}.until`]: lease.until,
          },
          { $set: { [`leases.${key}`]: { ...lease, owner, until } } },
        );
        if (taken.matchedCount === 1) return { waveId, key, ...span(lease) };
        continue;
      }
      if (wave.nextSeq >= wave.planned) return null;
      const start = wave.nextSeq;
      const end = Math.min(wave.planned, start + wave.blockSize);
      const key = `b${start}`;
      const lease: BlockLease = { owner, until, start, end };
      const claimed = await this.waves.updateOne(
        { _id: waveId, state: 'sending', nextSeq: start },
        { $set: { nextSeq: end, [`leases.${key}`]: lease } },
      );
      if (claimed.matchedCount === 1) return { waveId, key, start, end };
    }
  }

  /** Extends a block's lease; false when another process has taken it over. */
  async renewBlock(block: ClaimedBlock, owner: string, until: Date): Promise<boolean> {
    const result = await this.waves.updateOne(
      { _id: block.waveId, [`leases.${block.key}.owner`]: owner },
      { $set: { [`leases.${block.key}.until`]: until } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Gives an unfinished block back (stopping, or the quiet hours began): anyone may claim it
   * at once, from `notBefore` of the wave.
   */
  async releaseBlock(block: ClaimedBlock, owner: string, notBefore?: Date): Promise<void> {
    await this.waves.updateOne(
      { _id: block.waveId, [`leases.${block.key}.owner`]: owner },
      {
        $set: {
          [`leases.${block.key}.owner`]: '',
          [`leases.${block.key}.until`]: new Date(0),
          ...(notBefore ? { notBefore } : {}),
        },
      },
    );
  }

  /**
   * Records a finished block: its lease goes and its outcomes are added to the wave's counts,
   * in one write conditioned on the lease, so a block is counted once. The wave is done with
   * its last block; returns the wave as it is then (null: the lease was lost).
   */
  async finishBlock(
    block: ClaimedBlock,
    owner: string,
    counts: Map<string, Map<Outcome, number>>,
    now: Date,
  ): Promise<WaveDoc | null> {
    const inc: Record<string, number> = { blocksDone: 1 };
    for (const [council, outcomes] of counts)
      for (const [outcome, n] of outcomes) inc[`counts.${council}.${outcome}`] = n;
    const updated = await this.waves.findOneAndUpdate(
      { _id: block.waveId, [`leases.${block.key}.owner`]: owner },
      { $unset: { [`leases.${block.key}`]: '' }, $inc: inc },
      { returnDocument: 'after' },
    );
    if (updated === null) return null;
    const wave = parseStored(waveDocSchema, updated, `reminder_waves/${block.waveId}`);
    const blocks = Math.ceil(wave.planned / wave.blockSize);
    if (wave.state !== 'sending' || wave.blocksDone < blocks) return wave;
    const done = await this.waves.updateOne(
      { _id: wave._id, state: 'sending', blocksDone: wave.blocksDone },
      { $set: { state: 'done', finishedAt: now } },
    );
    return done.matchedCount === 1 ? { ...wave, state: 'done', finishedAt: now } : wave;
  }

  /** Moves a delivery from one of `from` to `state`; false when it was in none of them. */
  async setDelivery(
    id: string,
    from: readonly DeliveryState[],
    state: DeliveryState,
    patch: DeliveryPatch,
    now: Date,
  ): Promise<boolean> {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const result = await this.deliveries.updateOne(
      { _id: id, state: { $in: [...from] } },
      { $set: { ...set, state, updatedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /**
   * The claim that makes a reminder exactly once and keeps the caps, in one write: counts
   * the reminder on the participant only if they may still get it (the same rules as
   * `reminderVerdict`: unfinished, reminders on, reachable, in the wave's councils, under the
   * cap, far enough from the last one) and this delivery was never claimed for them. Returns
   * the participant as claimed, or null (then read them to learn why).
   */
  async claimParticipant(
    delivery: Pick<DeliveryDoc, '_id' | 'participantId'>,
    rules: ClaimRules,
    now: Date,
  ): Promise<ParticipantSummary | null> {
    const spaced = new Date(now.getTime() - rules.minHoursBetween * 3_600_000);
    const filter: Filter<StoredParticipantDoc> = {
      _id: delivery.participantId,
      consultationId: rules.consultationId,
      status: { $in: ['not_started', 'in_progress'] },
      remindersOff: false,
      unreachable: false,
      'reminders.received': { $lt: rules.maxPerParticipant },
      'reminders.claimed': { $ne: delivery._id },
      $or: [{ 'reminders.lastAt': { $exists: false } }, { 'reminders.lastAt': { $lte: spaced } }],
    };
    if (rules.councilIds !== undefined) filter.councilId = { $in: [...rules.councilIds] };
    const claimed = await this.participants.findOneAndUpdate(
      filter,
      {
        $inc: { 'reminders.received': 1 },
        $set: { 'reminders.lastAt': now },
        $push: { 'reminders.claimed': delivery._id },
      },
      { returnDocument: 'after' },
    );
    if (claimed === null) return null;
    const where = `participants/${delivery.participantId}`;
    const { _id, ...rest } = parseStored(participantSummarySchema, claimed, where);
    return { participantId: _id, ...rest };
  }

  /**
   * Takes a claim back after a send that certainly did not happen (a refusal), so the person's
   * caps are as if it had never been tried.
   */
  async unclaimParticipant(
    participantId: string,
    deliveryId: string,
    previousAt: Date | undefined,
  ): Promise<void> {
    await this.participants.updateOne(
      { _id: participantId, 'reminders.claimed': deliveryId },
      {
        $inc: { 'reminders.received': -1 },
        $pull: { 'reminders.claimed': deliveryId },
        ...(previousAt
          ? { $set: { 'reminders.lastAt': previousAt } }
          : { $unset: { 'reminders.lastAt': '' } }),
      },
    );
  }

  /** Keeps a reminder for the participant's next visit (replacing one still waiting). */
  async holdForVisit(participantId: string, deliveryId: string, now: Date): Promise<void> {
    await this.participants.updateOne(
      { _id: participantId },
      // A new version: a process that committed this participant last must read it again at
      // their next turn (storage/recent-commits.ts), or it would not know a reminder waits.
      { $set: { 'reminders.waiting': { deliveryId, at: now } }, $inc: { version: 1 } },
    );
  }
}

/** `<waveId>:<seq>`: a delivery's `_id`. */
export function deliveryId(waveId: string, seq: number): string {
  return `${waveId}:${seq}`;
}

/**
 * Indexes of the reminder collections. Hot paths read and write by `_id` only; the unique
 * index keeps one delivery per wave and participant whatever a planner does.
 */
export async function ensureReminderIndexes(db: Db): Promise<void> {
  const repository = new ReminderRepository(db);
  await repository.deliveries.createIndex(
    { waveId: 1, participantId: 1 },
    { unique: true, name: 'wave_participant' },
  );
  await repository.waves.createIndex(
    { consultationId: 1, state: 1 },
    { name: 'consultation_state' },
  );
}

function span(lease: BlockLease): { start: number; end: number } {
  return { start: lease.start, end: lease.end };
}
