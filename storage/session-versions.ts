import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { applyOutbox } from './apply-outbox.js';
import type { Collections } from './collections.js';
import {
  liveSessionDocSchema,
  sessionDocSchema,
  type LiveSessionDoc,
  type SessionDoc,
} from './documents.js';
import { parseStored } from './storage-error.js';

/** How long the committer of a turn is trusted to apply its outbox before others do it. */
const outboxLeaseMs = 3_000;
const outboxPollMs = 50;
const appliedSchema = z.object({ sessionVersion: z.int().min(0) });

export interface Latest {
  session: LiveSessionDoc;
  /** The last version whose outbox was applied completely (0: none yet). */
  applied: number;
}

/**
 * The `sessions` collection: one document per committed version of a session, `_id`
 * "<participantId>:<version>". The newest holds the state and the turn's outbox; older ones
 * are slimmed to tombstones whose `_id` stays taken, so no stale turn can commit again.
 * Everything is read by `_id` (the only lookup FerretDB v1 serves from an index); the
 * participant's `sessionVersion` (the last version applied) says where to start looking.
 */
export class SessionVersions {
  constructor(
    private readonly c: Collections,
    private readonly now: () => Date,
  ) {}

  /**
   * The newest version (null if the participant has none) and the last one applied. Starts
   * from `from` (the version a turn was built on) or from the last applied version, and
   * steps forward while a newer one exists.
   */
  async latest(participantId: string, from?: number): Promise<Latest | null> {
    const appliedFirst = from === undefined ? await this.appliedVersion(participantId) : undefined;
    const version = from ?? appliedFirst ?? 0;
    const [first, second, applied] = await Promise.all([
      version > 0 ? this.read(participantId, version) : null,
      this.read(participantId, version + 1),
      appliedFirst ?? this.appliedVersion(participantId),
    ]);
    const current = await this.newest(participantId, version, first, second);
    if (current === null) return null;
    const session = parseStored(liveSessionDocSchema, current, `sessions/${current._id}`);
    return { session, applied };
  }

  /**
   * Steps forward from version `from` while a newer one exists. A tombstone found last was
   * slimmed by a commit whose new version was read a moment earlier, still missing: look again.
   */
  private async newest(
    participantId: string,
    from: number,
    first: SessionDoc | null,
    second: SessionDoc | null,
  ): Promise<SessionDoc | null> {
    let [version, current, next] = [from, first, second];
    for (let retries = 0; ; retries += 1) {
      while (next !== null) {
        version += 1;
        current = next;
        next = await this.read(participantId, version + 1);
      }
      if (current === null || current.state !== undefined || retries === 3) return current;
      next = await this.read(participantId, version + 1);
    }
  }

  /**
   * Makes sure the outbox of the newest version is applied. A fresh one is most likely being
   * applied by the process that committed it: wait for that briefly instead of repeating its
   * writes (a double tap would otherwise write everything twice); apply it after the lease.
   * Returns the participant's last applied version afterwards.
   */
  async settle({ session, applied }: Latest): Promise<number> {
    const { outbox, participantId } = session;
    if (!outbox || applied >= outbox.version) return applied;
    const age = this.now().getTime() - session.committedAt.getTime();
    for (let waited = Math.max(0, age); waited < outboxLeaseMs; waited += outboxPollMs) {
      await delay(outboxPollMs);
      const now = await this.appliedVersion(participantId);
      if (now >= outbox.version) return now;
    }
    await applyOutbox(this.c, participantId, outbox, applied);
    return outbox.version;
  }

  /** The commit point: an insert, whose `_id` exists at most once (else E11000). */
  async insert(doc: LiveSessionDoc): Promise<void> {
    await this.c.sessions.insertOne(doc);
  }

  /**
   * A superseded version keeps only its `_id` (still taken) and a few fields. Returns whether
   * that version exists (even slimmed before): deletion removes them all.
   */
  async slim(participantId: string, version: number): Promise<boolean> {
    const result = await this.c.sessions.updateOne(
      { _id: `${participantId}:${version}` },
      { $unset: { state: '', recentInboundIds: '', outbox: '' } },
    );
    return result.matchedCount > 0;
  }

  private async read(participantId: string, version: number): Promise<SessionDoc | null> {
    const _id = `${participantId}:${version}`;
    const raw = await this.c.sessions.findOne({ _id });
    return raw === null ? null : parseStored(sessionDocSchema, raw, `sessions/${_id}`);
  }

  /** The last version whose outbox was applied completely (0: none yet). */
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
