import { setTimeout as sleep } from 'node:timers/promises';
import type { HandledTurn } from '../../bot/handle-turn.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { nextInput } from './next-input.js';

/** One turn through the handler, as a channel would send it. */
export type SendTurn = (
  identity: ChannelIdentity,
  input: EngineInput,
  inboundId: string,
) => Promise<HandledTurn>;

export interface LoadResult {
  turns: number;
  answers: number;
  seconds: number;
  /** Input→reply latencies in ms, sorted ascending. */
  latencies: number[];
}

/**
 * When participant `index` is due to send turn `turn`, as a `performance.now()` time;
 * undefined sends at once (closed loop).
 */
export type Schedule = (index: number, turn: number) => number | undefined;

/**
 * `participants` people at once, each walking the questionnaire for `turnsEach` turns and
 * waiting for each reply before the next. Latency runs from the scheduled time when there is
 * one (so a turn delayed by a slow previous reply counts its wait), else from the send.
 * External ids are `${prefix}-${index}`, inbound ids `${prefix}-${index}-${turn}`.
 */
export async function runParticipants(
  send: SendTurn,
  options: { participants: number; turnsEach: number; prefix: string; schedule?: Schedule },
): Promise<LoadResult> {
  const { participants, turnsEach, prefix, schedule } = options;
  const latencies: number[] = [];
  let answers = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: participants }, async (_, index) => {
      const identity = { channel: 'console' as const, externalId: `${prefix}-${index}` };
      let input: EngineInput = { kind: 'start', payload: 'RBX7KQ' };
      for (let turn = 0; turn < turnsEach; turn += 1) {
        const due = schedule?.(index, turn);
        if (due !== undefined && due > performance.now()) await sleep(due - performance.now());
        const begin = due ?? performance.now();
        const result = await send(identity, input, `${prefix}-${index}-${turn}`);
        latencies.push(performance.now() - begin);
        answers += result.events.filter((e) => e.type === 'answer_recorded').length;
        input = nextInput(result.replies.at(-1));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { turns: latencies.length, answers, seconds, latencies };
}

/**
 * Open-loop schedule: participant i sends turn k at t0 + offset_i + k × intervalMs, with
 * offset_i drawn from [0, intervalMs) by a seeded PRNG, so runs are reproducible.
 */
export function fixedRateSchedule(
  participants: number,
  intervalMs: number,
  seed: number,
): Schedule {
  const random = mulberry32(seed);
  const t0 = performance.now();
  const offsets = Array.from({ length: participants }, () => random() * intervalMs);
  return (index, turn) => t0 + (offsets[index] ?? 0) + turn * intervalMs;
}

/** Mulberry32: a small deterministic PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
