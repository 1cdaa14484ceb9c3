// Waves of 1,000 reminders sent by real `concerto serve` processes to the local Bot API, which
// enforces a flood limit like Telegram's. The rate is measured at Telegram's own 30/s (36 s
// for 1,000): a faster limit was tried (300/s, then 60/s), but on this shared 2-core machine
// the embedded database's writes (about 2.5 per reminder) cap one process near 35-40/s, so a
// faster test would measure the machine, not the sender. The kill and two-process runs let
// the fake allow 60/s and the bot 57/s: they check duplicates, misses and the total rate,
// at whatever speed the database gives. The 30,000 wave is the benchmark's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { allTargetStatuses, newWave } from '../../bot/reminders/plan-wave.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import type { DeliveryDoc } from '../../storage/reminder-documents.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { seedParticipants } from './seed-participants.js';
import { botEnvironment, ConcertoProcess } from './serve-process.js';

/** What the fake Bot API accepts per second, and what the bot uses of it (Telegram: 30). */
const fast = { limit: 60, rate: 57 };
const telegram = { limit: 30, rate: 28 };
// 1,000 keeps the file near a minute and a half at these rates; `npm run bench -- reminders`
// runs 3,000 and more at Telegram's 30/s.
const participants = 1000;
const firstChat = 10_000;

let database: TestDatabase;
let fake: FakeTelegramApi;
let dataDir: string;
let repository: ReminderRepository;
const processes: ConcertoProcess[] = [];

beforeEach(async () => {
  database = await useTestDatabase();
  await ensureIndexes(database.db);
  fake = await FakeTelegramApi.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-wave-'));
  repository = new ReminderRepository(database.db);
  const councils = ['A01', 'B02', 'C03'];
  await seedParticipants(
    database.db,
    Array.from({ length: participants }, (_, i) => ({
      chatId: firstChat + i,
      councilId: councils[i % councils.length] ?? 'A01',
      status: i % 2 === 0 ? ('not_started' as const) : ('in_progress' as const),
      themesDone: i % 5,
      lang: i % 4 === 0 ? ('en' as const) : ('fr' as const),
    })),
  );
}, 60_000);

afterEach(async () => {
  for (const p of processes.splice(0)) await p.stop();
  await fake.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function serve(speed = fast): ConcertoProcess {
  fake.limitRate(speed.limit, 1);
  const env = environment(speed.rate);
  const p = new ConcertoProcess(['serve'], env);
  processes.push(p);
  return p;
}

function environment(rate: number): Record<string, string> {
  return botEnvironment({
    mongoUri: inject('mongoUri'),
    db: database.name,
    dataDir,
    token: fake.token,
    apiRoot: fake.apiRoot,
    rate,
    // Long enough that a slow answer under load is not given up (a Telegram call may take
    // half of it), short enough that a killed process's blocks are taken over soon.
    leaseSeconds: 6,
    workers: 24,
  });
}

async function createWave(): Promise<string> {
  const loaded = shippedConsultation({});
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  // As the bot processes run (REMINDER_QUIET_HOURS=off): whatever the hour of the test run.
  const { reminders } = loaded.consultation;
  const consultation = {
    ...loaded.consultation,
    reminders: { ...reminders, quietHours: { from: '00:00', to: '00:00' } },
  };
  const wave = newWave(
    { origin: { kind: 'admin' }, statuses: allTargetStatuses },
    consultation,
    new Date(),
  );
  await repository.createWave(wave);
  return wave._id;
}

/** Reminders the fake accepted (refused ones, 429, are not messages). */
function acceptedTimes(): number[] {
  return fake.acceptedAt('sendMessage');
}

/** Resolves once `count` reminders were accepted by the fake, or the wave ended. */
async function untilSent(count: number, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (fake.messageCount < count) {
    if (performance.now() > deadline) throw new Error(`only ${fake.messageCount} sent`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function untilDone(waveId: string, timeoutMs = 180_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const wave = await repository.wave(waveId);
    if (wave?.state === 'done') return;
    if (performance.now() > deadline) throw new Error(`wave still ${wave?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function chatOf(delivery: DeliveryDoc): number {
  return Number(delivery.participantId.slice(1));
}

async function deliveries(waveId: string): Promise<DeliveryDoc[]> {
  return repository.deliveriesOf(waveId, 0, participants + 1);
}

/** Messages per chat the fake stored (accepted ones only). */
function receivedPerChat(): Map<number, number> {
  const per = new Map<number, number>();
  for (let i = 0; i < participants; i += 1) {
    const n = fake.chatMessages(firstChat + i).length;
    if (n > 0) per.set(firstChat + i, n);
  }
  return per;
}

/** The most calls of sendMessage (accepted or refused) in any window of 1,000 ms. */
function busiestSecond(): number {
  const times = fake
    .callsOf('sendMessage')
    .map((c) => c.at)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j += 1) {
    while ((times[j] ?? 0) - (times[i] ?? 0) >= 1000) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe(`a wave of ${participants} reminders`, () => {
  it('goes at ≥ 90 % of the allowed rate, each once, from a wave the CLI created', async () => {
    const bot = serve(telegram);
    await bot.running();
    const cli = new ConcertoProcess(['remind', 'send', '--yes'], environment(telegram.rate));
    expect(await cli.exited, cli.stderr).toBe(0);
    const waveId =
      new RegExp(`wave (\\S+) created for ${participants} participant`).exec(cli.stdout)?.[1] ?? '';
    expect(waveId, cli.stdout).not.toBe('');
    await untilDone(waveId);

    const all = await deliveries(waveId);
    const per = receivedPerChat();
    expect([...per.values()].filter((n) => n > 1)).toEqual([]);
    // A call that fails at the network level (the connection reset under load) may or may
    // not have arrived: it is `uncertain`, never resent. Seen at most once per run here.
    const uncertain = all.filter((d) => d.state === 'uncertain');
    expect(uncertain.length).toBeLessThanOrEqual(3);
    expect(all.filter((d) => d.state !== 'sent' && d.state !== 'uncertain')).toEqual([]);
    expect(all.filter((d) => d.state === 'sent' && !per.has(chatOf(d)))).toEqual([]);
    const times = acceptedTimes();
    const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const achieved = (times.length - 1) / seconds;
    expect(achieved).toBeGreaterThanOrEqual(0.9 * telegram.limit);
    expect(busiestSecond()).toBeLessThanOrEqual(telegram.limit + fake.floodRefusals);
  }, 300_000);

  it('killed twice mid-wave (SIGKILL) and restarted: none twice, none missed', async () => {
    const waveId = await createWave();
    let bot = serve();
    await bot.running();
    await untilSent(Math.round(participants * 0.27));
    await bot.kill();
    bot = serve();
    await bot.running();
    await untilSent(Math.round(participants * 0.6));
    await bot.kill();
    bot = serve();
    await bot.running();
    await untilDone(waveId);

    const per = receivedPerChat();
    expect([...per.values()].filter((n) => n > 1)).toEqual([]);
    const all = await deliveries(waveId);
    const uncertain = all.filter((d) => d.state === 'uncertain');
    const missed = all.filter((d) => {
      const chat = Number(d.participantId.slice(1));
      return d.state !== 'uncertain' && !per.has(chat);
    });
    expect(missed).toEqual([]);
    expect(all.filter((d) => d.state !== 'sent' && d.state !== 'uncertain')).toEqual([]);
    // A kill can land between a claim and its record: at most one per block in flight (the
    // REMINDER_WORKERS, 24) per kill; such a one is not sent again, whether it arrived.
    expect(uncertain.length).toBeLessThanOrEqual(2 * 24);
    expect(
      per.size + uncertain.filter((d) => !per.has(Number(d.participantId.slice(1)))).length,
    ).toBe(participants);
  }, 300_000);

  it('sent by two processes at once: none twice, still within the limit together', async () => {
    const [one, two] = [serve(), serve()];
    await Promise.all([one.running(), two.running()]);
    const waveId = await createWave();
    await untilDone(waveId);

    const per = receivedPerChat();
    expect(per.size).toBe(participants);
    expect([...per.values()].filter((n) => n > 1)).toEqual([]);
    const states = (await deliveries(waveId)).map((d) => d.state);
    expect(states.filter((s) => s !== 'sent')).toEqual([]);
    // Both took part (each claimed blocks), and together they kept to the shared budget.
    const owners = new Set((await deliveries(waveId)).map((d) => d.by ?? ''));
    expect(owners.size).toBe(2);
    expect(busiestSecond()).toBeLessThanOrEqual(fast.limit + fake.floodRefusals);
    expect(fake.floodRefusals).toBeLessThanOrEqual(participants / 100);
  }, 240_000);
});
