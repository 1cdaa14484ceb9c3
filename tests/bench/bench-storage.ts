import { mkdtempSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTurnHandler } from '../../bot/handle-turn.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { ensureIndexes, openDatabase } from '../../storage/open-database.js';
import { engineContext } from '../helpers/engine-context.js';
import { quantile } from './quantile.js';
import { fixedRateSchedule, runParticipants, type SendTurn } from './storage-load.js';

const participants = envNumber('BENCH_PARTICIPANTS', 100);
const turnsEach = envNumber('BENCH_TURNS', 30);
const answerRate = envNumber('BENCH_ANSWER_RATE', 300);
const humanPaceMs = 3_000;
const humanTurns = envNumber('BENCH_HUMAN_TURNS', 20);
const settleMs = 10_000;
const seed = 20261125;

/**
 * End to end through the turn handler (engine + storage, no NLU), against MONGODB_URI when
 * set, else the embedded FerretDB; each run on a fresh database.
 *
 * 1. Saturation (closed loop): BENCH_PARTICIPANTS people at once, BENCH_TURNS turns each,
 *    each turn sent as soon as the previous reply arrives. This gives the most the store
 *    can take, but its latencies are not those of a given load: when the store slows down,
 *    the simulated people slow down with it and send less.
 * 2. Human pace (open loop): as many fresh people, each sending one input every 3 s (its
 *    first at a random moment of the first 3 s), BENCH_HUMAN_TURNS inputs each. Latency counts
 *    from the scheduled time.
 * 3. Fixed load (open loop): as many fresh people, each sending one turn per interval so
 *    that together they offer BENCH_ANSWER_RATE answers/s (using run 1's answers per turn).
 *    A turn whose previous reply is late goes out as soon as it arrives, but its latency
 *    counts from when it was due, so a slow store cannot hide its backlog (no coordinated
 *    omission). This is the latency people would see at that rate.
 */
export async function benchStorage(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-'));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const pool = process.env['BENCH_POOL'];
  const base = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const uri = pool ? `${base}${base.includes('?') ? '&' : '?'}maxPoolSize=${pool}` : base;
  const database = await openDatabase({ uri, dbName: 'admin', writeConcern: 'majority' });
  const { consultation, catalog, councils } = engineContext('2026-11-25T10:00:00+01:00');
  const used: string[] = [];
  /**
   * Each run on a database of its own, so that one run's leftovers do not weigh on the next,
   * after a pause: right after a saturated run FerretDB stays busy for a few seconds (measured:
   * human-pace p99 160–610 ms straight after it, 28 ms ten seconds later).
   */
  const freshHandler = async (): Promise<SendTurn> => {
    if (used.length > 0) await sleep(settleMs);
    const db = database.client.db(`bench_${Date.now()}_${used.length}`);
    used.push(db.databaseName);
    await ensureIndexes(db);
    const handleTurn = createTurnHandler({
      storage: mongoStorage(db),
      engine: { consultation, catalog, councils },
    });
    return (identity, input, inboundId) => handleTurn(identity, input, { inboundId });
  };
  try {
    const server = embedded ? 'embedded FerretDB (SQLite)' : 'MONGODB_URI';
    const questions = consultation.themes.reduce((n, theme) => n + theme.questions.length, 0);
    const lines = [
      `storage ${server}: shipped consultation, ${consultation.themes.length} themes, ${questions} questions ` +
        `(+ ${consultation.profile.length} profile), ${councils.size} councils, no NLU`,
    ];

    const closed = await runParticipants(await freshHandler(), {
      participants,
      turnsEach,
      prefix: 'bench',
    });
    const answersPerTurn = closed.answers / closed.turns;
    lines.push(
      `storage saturation (closed loop), ${participants} participants × ${turnsEach} turns: ` +
        `${Math.round(closed.turns / closed.seconds)} turns/s, ` +
        `${Math.round(closed.answers / closed.seconds)} answers stored/s (target: ≥ 300 answers/s)`,
      `storage saturation input→reply latency ${latency(closed.latencies)}`,
    );
    if (closed.answers === 0)
      return [...lines, 'storage fixed load skipped: run 1 stored no answers'];

    const human = await runParticipants(await freshHandler(), {
      participants,
      turnsEach: humanTurns,
      prefix: 'human',
      schedule: fixedRateSchedule(participants, humanPaceMs, seed),
    });
    lines.push(
      `storage human pace (open loop), ${participants} participants × ${humanTurns} inputs, one every ` +
        `${humanPaceMs / 1000} s each: input→reply ${latency(human.latencies)} (target: p99 < 150 ms)`,
    );

    const intervalMs = (participants * 1000 * answersPerTurn) / answerRate;
    const schedule = fixedRateSchedule(participants, intervalMs, seed);
    const open = await runParticipants(await freshHandler(), {
      participants,
      turnsEach,
      prefix: 'load',
      schedule,
    });
    lines.push(
      `storage fixed load (open loop), ${participants} participants × ${turnsEach} turns, one every ` +
        `${intervalMs.toFixed(0)} ms each (${answersPerTurn.toFixed(2)} answers/turn): offered ` +
        `${answerRate.toLocaleString('en')} answers/s, achieved ${Math.round(open.answers / open.seconds)} answers/s`,
      `storage fixed load latency from scheduled send ${latency(open.latencies)} ` +
        `(no target; the saturation target is ${answerRate} answers/s)`,
    );
    return lines;
  } finally {
    for (const name of used)
      await database.client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    await database.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function latency(sorted: readonly number[]): string {
  return `median ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms`;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}
