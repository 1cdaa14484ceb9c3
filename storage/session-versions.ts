import type { Collections } from './collections.js';
import {
  liveSessionDocSchema,
  sessionDocSchema,
  slimmedFields,
  storedOutboxSchema,
  storedStateSchema,
  type Outbox,
  type SessionDoc,
  type StoredState,
} from './documents.js';
import { InsertBatcher, type InsertOutcome } from './insert-batcher.js';
import { StorageError, parseStored } from './storage-error.js';

/** The newest version of a live session, decoded. */
export interface LiveSession {
  participantId: string;
  version: number;
  state: StoredState;
  recentInboundIds: string[];
  outbox?: Outbox;
}

/**
 * The `sessions` collection: one document per committed version of a session, `_id`
 * "<participantId>:<version>", versions 1, 2, 3… without gaps. Everything is read by `_id`
 * (the only lookup FerretDB v1 serves from an index): the newest version is found by probing
 * forward from a version known to exist, doubling the step, then halving it.
 */
export class SessionVersions {
  private readonly batcher: InsertBatcher<SessionDoc>;

  constructor(private readonly c: Collections) {
    this.batcher = new InsertBatcher(c.sessions);
  }

  /** Slims versions 1 to `version` (a deletion: every version at once). */
  async slimAll(participantId: string, version: number): Promise<void> {
    const ids = Array.from({ length: version }, (_, n) => `${participantId}:${n + 1}`);
    for (let start = 0; start < ids.length; start += 100)
      await this.slim(ids.slice(start, start + 100));
  }

  /**
   * The newest version (null if the participant has none, or was deleted), searched from
   * `from`, a version believed to exist (0: none known).
   */
  async latest(participantId: string, from = 0): Promise<LiveSession | null> {
    for (let attempt = 0; ; attempt += 1) {
      const newest = await this.newest(participantId, from);
      if (newest === null || newest.deleted === true) return null;
      // Slimmed only once a newer version exists: that one was just missed. Look again.
      if (newest.state !== undefined || attempt === 3) return decodeLive(newest);
      from = newest.version;
    }
  }

  /** The commit point: an insert, whose `_id` exists at most once. Batched with others. */
  insert(doc: SessionDoc): Promise<InsertOutcome> {
    return this.batcher.insert(doc);
  }

  /** Slims superseded versions to tombstones: their `_id` stays taken. */
  async slim(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.c.sessions.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $unset: slimmedFields } } })),
      { ordered: false },
    );
  }

  /** The newest version's document, slimmed or not (null: none). */
  async newest(participantId: string, from = 0): Promise<SessionDoc | null> {
    let found = from > 0 ? await this.read(participantId, from) : null;
    let low = found === null ? 0 : from; // exists (0: nothing known)
    let step = 1;
    let high: number | undefined; // known missing
    while (high === undefined || high - low > 1) {
      const probe = high === undefined ? low + step : Math.floor((low + high) / 2);
      const doc = await this.read(participantId, probe);
      if (doc === null) high = probe;
      else [low, found] = [probe, doc];
      step *= 2;
    }
    return found;
  }

  private async read(participantId: string, version: number): Promise<SessionDoc | null> {
    const _id = `${participantId}:${version}`;
    const raw = await this.c.sessions.findOne({ _id });
    return raw === null ? null : parseStored(sessionDocSchema, raw, `sessions/${_id}`);
  }
}

/** Decodes the JSON fields of a live version; a corrupt one is reported, never used. */
export function decodeLive(doc: SessionDoc): LiveSession {
  const where = `sessions/${doc._id}`;
  const live = parseStored(liveSessionDocSchema, doc, where);
  const state = parseStored(storedStateSchema, parseJson(live.state, `${where} state`), where);
  const outbox =
    live.outbox === undefined
      ? undefined
      : parseStored(storedOutboxSchema, parseJson(live.outbox, `${where} outbox`), where);
  return {
    participantId: live.participantId,
    version: live.version,
    state,
    recentInboundIds: live.recentInboundIds,
    ...(outbox === undefined ? {} : { outbox }),
  };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StorageError('corrupt_document', `${where} is not valid JSON`);
  }
}
