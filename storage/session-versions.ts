import { setTimeout as delay } from 'node:timers/promises';
import { applyOutbox } from './apply-outbox.js';
import type { Collections } from './collections.js';
import { liveSessionDocSchema, type LiveSessionDoc, type Outbox } from './documents.js';
import { parseStored } from './storage-error.js';

/** How long the committer of a turn is trusted to apply its outbox before others do it. */
const outboxLeaseMs = 3_000;
const outboxPollMs = 50;

/**
 * The `sessions` collection: one document per committed version of a session, `_id`
 * "<participantId>:<version>". The newest holds the state and maybe a pending outbox; older
 * ones are slimmed to tombstones whose `_id` stays taken, so no stale turn can commit again.
 */
export class SessionVersions {
  constructor(
    private readonly c: Collections,
    private readonly now: () => Date,
  ) {}

  async latest(participantId: string): Promise<LiveSessionDoc | null> {
    const [raw] = await this.c.sessions
      .find({ participantId })
      .sort({ version: -1 })
      .limit(1)
      .toArray();
    return raw === undefined ? null : parseStored(liveSessionDocSchema, raw, `sessions/${raw._id}`);
  }

  /**
   * Makes sure the effects of `session` are applied. A fresh outbox is most likely being
   * applied by the process that committed it: wait for that briefly instead of repeating its
   * writes (a double tap would otherwise write everything twice); apply it after the lease.
   */
  async settle(session: LiveSessionDoc): Promise<void> {
    if (!session.outbox) return;
    const age = this.now().getTime() - session.committedAt.getTime();
    for (let waited = Math.max(0, age); waited < outboxLeaseMs; waited += outboxPollMs) {
      await delay(outboxPollMs);
      const pending = await this.c.sessions.findOne(
        { _id: session._id, outbox: { $exists: true } },
        { projection: { _id: 1 } },
      );
      if (pending === null) return;
    }
    await this.finish(session.participantId, session.outbox);
  }

  /** Applies a committed turn's effects, then clears its outbox. */
  async finish(participantId: string, outbox: Outbox): Promise<void> {
    await applyOutbox(this.c, participantId, outbox);
    await this.c.sessions.updateOne(
      { _id: `${participantId}:${outbox.version}` },
      { $unset: { outbox: '' } },
    );
  }

  /** A superseded version keeps only its `_id` (still taken) and a few fields. */
  async slim(participantId: string, version: number): Promise<void> {
    await this.c.sessions.updateOne(
      { _id: `${participantId}:${version}` },
      { $unset: { state: '', recentInboundIds: '', outbox: '' } },
    );
  }

  /**
   * Deletion removes every version: if the one a turn was built on is gone, so is the
   * participant. (Not the identity: a continuation code may move it to another participant.)
   */
  async stillExists(participantId: string, version: number): Promise<boolean> {
    const found =
      version > 1
        ? await this.c.sessions.findOne(
            { _id: `${participantId}:${version - 1}` },
            { projection: { _id: 1 } },
          )
        : await this.c.identities.findOne({ participantId }, { projection: { _id: 1 } });
    return found !== null;
  }
}
