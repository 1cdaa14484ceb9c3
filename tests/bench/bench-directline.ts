import { activityId, DirectLineRepository } from '../../storage/directline-repository.js';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import { collectionNames } from '../../storage/collections.js';
import { measureLatency, openBenchDatabase } from './bench-database.js';

const sizes = (process.env['BENCH_DIRECTLINE_SIZES'] ?? '1000,100000,1000000')
  .split(',')
  .map(Number);
/** Activities per generated conversation (a questionnaire is about 70: 35 turns, replies). */
const perConversation = 20;
const budgetMs = 8_000;
const maxOps = 400;

/**
 * The storage work of a Direct Line poll, POST and stream wake, at growing numbers of stored
 * activities (generated, inserted directly): each must stay an `_id` lookup, so its p99 stays
 * flat. Against MONGODB_URI when set, else the embedded FerretDB. The turn itself (engine,
 * participant) is not part of it: bench-telegram-cpu and bench-storage measure that.
 */
export async function benchDirectline(): Promise<string[]> {
  const bench = await openBenchDatabase('bench_directline');
  const { db } = bench;
  const lines = [`directline ${bench.label}`];
  try {
    await ensureIndexes(db);
    const repo = new DirectLineRepository(db);
    const conversations = db.collection<{ _id: string }>(collectionNames.dlConversations);
    const activities = db.collection<{ _id: string }>(collectionNames.dlActivities);
    const seqs = new Map<string, number>();
    let stored = 0;
    let made = 0;
    let clientIds = 0;
    for (const size of sizes) {
      const started = performance.now();
      while (stored < size) {
        const count = Math.min(
          1000 / perConversation,
          Math.ceil((size - stored) / perConversation),
        );
        const now = new Date();
        const ids = Array.from({ length: count }, () => `bench${String(made++).padStart(8, '0')}`);
        await conversations.insertMany(
          ids.map((_id) => ({
            _id,
            userId: `dl_${_id}`,
            origin: 'page',
            seq: perConversation,
            tokenGeneration: 0,
            consented: true,
            preConsent: [],
            createdAt: now,
            lastActivityAt: now,
          })),
        );
        await activities.insertMany(
          ids.flatMap((conversationId) =>
            Array.from({ length: perConversation }, (_, n) => ({
              _id: activityId(conversationId, n + 1),
              conversationId,
              seq: n + 1,
              activity: { type: 'message', text: 'x'.repeat(120), id: `${conversationId}|${n}` },
              at: now,
            })),
          ),
          { ordered: false },
        );
        for (const id of ids) seqs.set(id, perConversation);
        stored += count * perConversation;
      }
      const label = `directline ${stored.toLocaleString('en')} activities`;
      lines.push(
        `${label} (${made.toLocaleString('en')} conversations), reached in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      let seed = 7;
      const pick = () => {
        seed = (seed * 48271) % 2147483647;
        return `bench${String(seed % made).padStart(8, '0')}`;
      };
      const now = new Date();

      lines.push(
        `${label}, poll (conversation by _id, then the 3 newest by $in) ${await measure(
          async () => {
            const id = pick();
            const conversation = await repo.findConversation(id, now);
            if (!conversation) throw new Error(`no conversation ${id}`);
            const found = await repo.activitiesBetween(
              id,
              conversation.seq - 3,
              conversation.seq,
              now,
            );
            if (found.length !== 3) throw new Error(`poll of ${id} found ${found.length}`);
          },
        )}`,
      );
      lines.push(
        `${label}, POST storage (claim the client id, conversation, echo + reply, advance) ${await measure(
          async () => {
            const id = pick();
            const claim = await repo.claimClientActivity({
              conversationId: id,
              clientActivityId: `bench-${clientIds++}`,
              after: seqs.get(id) ?? 0,
              at: now,
              expiresAt: new Date(now.getTime() + 86_400_000),
            });
            if (!claim.fresh) throw new Error('client id already claimed');
            const conversation = await repo.findConversation(id, now);
            if (!conversation) throw new Error(`no conversation ${id}`);
            const written = await repo.insertFrom(
              id,
              conversation.seq + 1,
              [{ activity: { type: 'message', text: 'oui' } }, { activity: { type: 'message' } }],
              now,
            );
            const last = written.at(-1)?.seq ?? conversation.seq;
            await repo.advance(id, last, now);
            seqs.set(id, last);
          },
        )}`,
      );
      lines.push(
        `${label}, stream wake from another process (seqs of 50 watched conversations by $in, then the new activities) ${await measure(
          async () => {
            const watched = Array.from({ length: 50 }, pick);
            const found = await repo.conversationSeqs(watched, now);
            const [first] = watched;
            const seq = first === undefined ? undefined : found.get(first);
            if (first === undefined || seq === undefined) throw new Error('no seq');
            await repo.activitiesBetween(first, seq - 2, seq, now);
          },
        )}`,
      );
    }
    return lines;
  } finally {
    await bench.close();
  }
}

const measure = (op: () => Promise<void>) => measureLatency(op, { maxOps, budgetMs });
