import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTurnHandler } from '../../bot/handle-turn.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { MongoConversationStore } from '../../storage/mongo-conversation-store.js';
import { ensureIndexes, openDatabase } from '../../storage/open-database.js';
import { engineContext } from '../helpers/engine-context.js';
import { quantile } from './quantile.js';

const participants = Number(process.env['BENCH_PARTICIPANTS'] ?? 100);
const turnsEach = Number(process.env['BENCH_TURNS'] ?? 30);

/**
 * End to end through the turn handler (engine + storage, no NLU): 100 simulated participants
 * answering at the same time, each turn awaited before the next, as a person would.
 * Against MONGODB_URI when set, else the embedded FerretDB.
 */
export async function benchStorage(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-'));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const pool = process.env['BENCH_POOL'];
  const base = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const uri = pool ? `${base}${base.includes('?') ? '&' : '?'}maxPoolSize=${pool}` : base;
  const database = await openDatabase({
    uri,
    dbName: `bench_${Date.now()}`,
    writeConcern: 'majority',
  });
  try {
    await ensureIndexes(database.db);
    const { consultation, catalog, councils } = engineContext('2026-11-25T10:00:00+01:00');
    const handleTurn = createTurnHandler({
      store: new MongoConversationStore(database.db),
      engine: { consultation, catalog, councils },
    });
    const latencies: number[] = [];
    let answers = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: participants }, async (_, index) => {
        const identity = { channel: 'console' as const, externalId: `bench-${index}` };
        let input: EngineInput = { kind: 'start', payload: 'RBX7KQ' };
        for (let turn = 0; turn < turnsEach; turn += 1) {
          const begin = performance.now();
          const result = await handleTurn(identity, input, { inboundId: `bench-${index}-${turn}` });
          latencies.push(performance.now() - begin);
          answers += result.events.filter((e) => e.type === 'answer_recorded').length;
          input = nextInput(result.replies.at(-1));
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const server = embedded ? 'embedded FerretDB (SQLite)' : 'MONGODB_URI';
    return [
      `storage ${server}: ${participants} participants × ${turnsEach} turns: ${Math.round(latencies.length / seconds)} turns/s, ` +
        `${Math.round(answers / seconds)} answers stored/s (target: ≥ 1,000 answers/s)`,
      `storage input→reply latency median ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms (target: p99 < 50 ms)`,
    ];
  } finally {
    await database.db.dropDatabase().catch(() => undefined);
    await database.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function nextInput(reply: EngineReply | undefined): EngineInput {
  const choices = reply?.choices ?? [];
  const ticked = !reply?.multiSelect || choices.some((c) => c.label.startsWith('✓'));
  const done = choices.find(
    (c) => (c.id === '_done' && ticked) || c.id === 'confirm' || c.id === 'yes',
  );
  const first = choices.find((c) => !c.id.startsWith('_') && c.id !== 'other' && c.id !== 'none');
  const pick = done ?? first;
  if (reply?.promptId && pick)
    return { kind: 'choice', promptId: reply.promptId, choiceId: pick.id };
  return { kind: 'text', text: 'Des bus plus tard le soir' };
}
