// What the three wave-at-scale test files share: 3,000 participants on a fresh database, the
// local Bot API enforcing Telegram's 30 messages in any 1,000 ms (429 beyond), real `concerto
// serve` processes at REMINDER_RATE 29 (its default), and the counts the tests assert on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { allTargetStatuses, newWave } from '../../bot/reminders/plan-wave.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import type { DeliveryDoc } from '../../storage/reminder-documents.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { seedParticipants } from './seed-participants.js';
import { botEnvironment, ConcertoProcess } from './serve-process.js';

/** The numbers: a wave of at least 3,000, Telegram's 30 messages/s. */
export const participants = 3000;
export const limit = 30;
/** What every process of the bot books, together (REMINDER_RATE's default). */
export const rate = 29;
/** Blocks one process sends at once: each has at most one reminder claimed and unrecorded. */
export const workers = 16;
/**
 * 429s allowed in a wave: "no 429 storm". The bot's slots are evenly spaced, but on a loaded
 * machine the fake sees some arrive bunched (two processes' event loops between a slot and
 * its arrival) and refuses the 31st of a second: a few per 3,000 (7 and 8 seen at load 10).
 * Sending late slots bunched, as before the late-slot fix, gave 78 per 3,000.
 */
export const noStorm = participants / 200;
const firstChat = 10_000;

export class WaveScenario {
  private readonly processes: ConcertoProcess[] = [];
  private readonly started = performance.now();

  private constructor(
    readonly database: TestDatabase,
    readonly fake: FakeTelegramApi,
    readonly repository: ReminderRepository,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<WaveScenario> {
    const database = await useTestDatabase();
    await ensureIndexes(database.db);
    const fake = await FakeTelegramApi.start();
    fake.limitRate(limit, 1);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-wave-'));
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
    return new WaveScenario(database, fake, new ReminderRepository(database.db), dataDir);
  }

  /** Stops what is left, drops the database; returns the seconds since `start`. */
  async close(): Promise<number> {
    for (const p of this.processes.splice(0)) await p.stop();
    await this.fake.close();
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
    return (performance.now() - this.started) / 1000;
  }

  /** A `concerto serve` on the scenario's database and Bot API. */
  serve(): ConcertoProcess {
    const p = new ConcertoProcess(['serve'], this.environment());
    this.processes.push(p);
    return p;
  }

  environment(): Record<string, string> {
    return botEnvironment({
      mongoUri: inject('mongoUri'),
      db: this.database.name,
      dataDir: this.dataDir,
      token: this.fake.token,
      apiRoot: this.fake.apiRoot,
      rate,
      // Long enough that a slow answer under load is not given up (a Telegram call may take
      // half of it), short enough that a killed process's blocks are taken over soon.
      leaseSeconds: 6,
      workers,
    });
  }

  /** A wave of everyone, as an admin's (the bot processes run with no quiet hours). */
  async createWave(): Promise<string> {
    const loaded = shippedConsultation({});
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
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
    await this.repository.createWave(wave);
    return wave._id;
  }

  /** Resolves once the fake has accepted `count` messages. */
  async untilSent(count: number, timeoutMs = 300_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.fake.messageCount < count) {
      if (performance.now() > deadline) throw new Error(`only ${this.fake.messageCount} sent`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async untilDone(waveId: string, timeoutMs = 480_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const wave = await this.repository.wave(waveId);
      if (wave?.state === 'done') return;
      if (performance.now() > deadline) throw new Error(`wave still ${wave?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async deliveries(waveId: string): Promise<DeliveryDoc[]> {
    return this.repository.deliveriesOf(waveId, 0, participants + 1);
  }

  /** Messages per chat the fake accepted (refused ones, 429, are not messages). */
  receivedPerChat(): Map<number, number> {
    return this.fake.messagesPerChat();
  }

  /** The most calls of sendMessage in any window of 1,000 ms: accepted ones, or all. */
  busiestSecond(which: 'accepted' | 'attempted'): number {
    const times =
      which === 'accepted'
        ? this.fake.acceptedAt('sendMessage')
        : this.fake.callsOf('sendMessage').map((c) => c.at);
    times.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < times.length; j += 1) {
      while ((times[j] ?? 0) - (times[i] ?? 0) >= 1000) i += 1;
      most = Math.max(most, j - i + 1);
    }
    return most;
  }

  /** Accepted reminders per second from the first to the last (printed, never asserted). */
  achievedRate(): number {
    const accepted = this.fake.acceptedAt('sendMessage');
    const first = accepted[0] ?? 0;
    const last = accepted.at(-1) ?? 0;
    return last > first ? (accepted.length - 1) / ((last - first) / 1000) : 0;
  }

  /** One line for the run's log: the figures the assertions do not time. */
  summary(name: string, uncertain: number): string {
    return `${name}: ${this.fake.messageCount} reminders accepted at ${this.achievedRate().toFixed(1)}/s (${((100 * this.achievedRate()) / limit).toFixed(0)} % of ${limit}/s), busiest second ${this.busiestSecond('attempted')} attempted, ${this.fake.floodRefusals} × 429, ${uncertain} uncertain`;
  }
}

/** The participant a delivery was for, as its Telegram chat. */
export function chatOf(delivery: DeliveryDoc): number {
  return Number(delivery.participantId.slice(1));
}
