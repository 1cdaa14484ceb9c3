import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CouncilIndex } from '../../bot/council-index.js';
import { createTurnHandler } from '../../bot/handle-turn.js';
import { createLogger } from '../../bot/logger.js';
import { allTargetStatuses } from '../../bot/reminders/plan-wave.js';
import { RepliesMeter } from '../../bot/reminders/replies-meter.js';
import { ReminderService } from '../../bot/reminders/reminder-service.js';
import { SlotDispenser } from '../../bot/reminders/slot-dispenser.js';
import { telegramReminderTransport } from '../../bot/telegram/telegram-reminder-transport.js';
import { defaultCatalog, shippedConsultation } from '../../dialogs/load-consultation.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { ensureIndexes, openDatabase } from '../../storage/open-database.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { SendBudget } from '../../storage/send-budget.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { seedParticipants } from '../reminders/seed-participants.js';
import { quantile } from './quantile.js';
import { ReminderProfile } from './reminder-profile.js';

const reminders = envNumber('BENCH_REMINDERS', 30_000);
/** What the simulated Bot API accepts per second (429 beyond); the bot uses 29/30 of it. */
const limit = envNumber('BENCH_REMINDER_LIMIT', 30);
const workers = envNumber('BENCH_REMINDER_WORKERS', 16);
/** Residents answering during the wave: one turn every this many ms, each counted as a reply. */
const residentEveryMs = envNumber('BENCH_RESIDENT_EVERY_MS', 200);

/**
 * A wave of BENCH_REMINDERS reminders sent by one in-process sender (the real repository,
 * shared budget, claims and Telegram transport) to the local Bot API enforcing BENCH_REMINDER_LIMIT
 * messages/s, on the embedded FerretDB (or MONGODB_URI), while residents answer through the turn
 * handler (engine + storage) every BENCH_RESIDENT_EVERY_MS, their replies counted into the
 * budget first. Time is compressed by raising BENCH_REMINDER_LIMIT, not by skipping work.
 */
export async function benchReminders(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-reminders-'));
  const embedded = process.env['MONGODB_URI']
    ? undefined
    : await startEmbeddedServer({ dataDir: dir });
  const uri = process.env['MONGODB_URI'] ?? embedded?.uri ?? '';
  const database = await openDatabase({
    uri,
    dbName: 'admin',
    writeConcern: 'majority',
    monitorCommands: true,
  });
  const dbName = `bench_reminders_${Date.now()}`;
  const db = database.client.db(dbName);
  // Residents' turns on a connection of their own, so the profile counts the sender's only.
  const residentsDatabase = await openDatabase({ uri, dbName, writeConcern: 'majority' });
  const profile = new ReminderProfile(database.client);
  const fake = await FakeTelegramApi.start();
  const log = createLogger('silent');
  try {
    await ensureIndexes(db);
    const loaded = shippedConsultation({
      opensAt: '2017-11-22T00:00:00+01:00',
      closesAt: '2099-12-05T23:59:59+01:00',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const consultation = {
      ...loaded.consultation,
      reminders: {
        ...loaded.consultation.reminders,
        schedule: [],
        quietHours: { from: '00:00', to: '00:00' },
      },
    };
    const seedStarted = performance.now();
    const residents = 200;
    await seedParticipants(
      db,
      Array.from({ length: reminders + residents }, (_, i) => ({
        chatId: 1_000_000 + i,
        councilId: `C${String(i % 40).padStart(2, '0')}`,
        status: i % 2 === 0 ? ('not_started' as const) : ('in_progress' as const),
        // The last ones are residents in the middle of the questionnaire, reminded already.
        ...(i >= reminders ? { remindersOff: true } : {}),
      })),
    );
    const seedMs = performance.now() - seedStarted;
    fake.limitRate(limit, 1);
    const storage = mongoStorage(residentsDatabase.db);
    const repository = new ReminderRepository(db);
    const budget = new SendBudget(db, { key: 'telegram', perSecond: (limit * 29) / 30 });
    const replies = new RepliesMeter(budget, log);
    const handleTurn = createTurnHandler({
      storage,
      engine: { consultation, catalog: defaultCatalog, councils: new CouncilIndex() },
    });
    const transport = telegramReminderTransport({ token: fake.token, apiRoot: fake.apiRoot });
    profile.watch(repository, budget, transport);
    const service = new ReminderService(
      {
        repository,
        participants: mongoStorage(db).participants,
        handleTurn,
        consultation,
        catalog: defaultCatalog,
        transports: [transport],
        pacing: { telegram: new SlotDispenser(budget) },
        log,
        now: () => new Date(),
        leaseMs: 30_000,
        maxAttempts: 5,
      },
      { workers, pollMs: 60_000 },
    );
    profile.reset();
    const started = performance.now();
    const wave = await service.request({ origin: { kind: 'admin' }, statuses: allTargetStatuses });
    let sending = true;
    let replyMessages = 0;
    const latencies: number[] = [];
    const residentLoop = (async () => {
      for (let i = 0; sending; i += 1) {
        const chat = 1_000_000 + reminders + (i % residents);
        const t0 = performance.now();
        const result = await handleTurn(
          { channel: 'telegram', externalId: String(chat) },
          { kind: 'text', text: 'oui' },
        );
        latencies.push(performance.now() - t0);
        replies.count(result.replies.length);
        replyMessages += result.replies.length;
        const wait = residentEveryMs - (performance.now() - t0);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
    await service.drain();
    sending = false;
    await residentLoop;
    await replies.stop();
    const elapsed = (performance.now() - started) / 1000;
    const accepted = fake.acceptedAt('sendMessage');
    const first = accepted[0] ?? 0;
    const last = accepted.at(-1) ?? 0;
    const perChat = fake.messagesPerChat();
    const received = new Map<number, number>();
    for (let i = 0; i < reminders; i += 1) {
      const n = perChat.get(1_000_000 + i) ?? 0;
      received.set(n, (received.get(n) ?? 0) + 1);
    }
    const final = await repository.wave(wave._id);
    const totals = new Map<string, number>();
    for (const byOutcome of Object.values(final?.counts ?? {}))
      for (const [outcome, n] of Object.entries(byOutcome))
        totals.set(outcome, (totals.get(outcome) ?? 0) + n);
    latencies.sort((a, b) => a - b);
    const rate = (accepted.length - 1) / ((last - first) / 1000);
    return [
      `reminders: ${reminders} seeded in ${(seedMs / 1000).toFixed(1)} s; wave of ${final?.planned ?? 0} at a limit of ${limit}/s (bot: ${((limit * 29) / 30).toFixed(1)}/s), ${workers} workers`,
      `reminders: achieved ${rate.toFixed(1)} reminders/s + ${(replyMessages / elapsed).toFixed(1)} residents' replies/s counted in the same budget = ${((100 * (rate + replyMessages / elapsed)) / limit).toFixed(0)} % of the limit (target ≥ 90 %); wave done in ${elapsed.toFixed(0)} s`,
      `reminders: outcomes ${[...totals.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}; 429 answers ${fake.floodRefusals}`,
      `reminders: chats by messages received ${[...received.entries()]
        .sort(([a], [b]) => a - b)
        .map(([n, c]) => `${n}×: ${c}`)
        .join(
          ', ',
        )} (duplicates: ${[...received.entries()].filter(([n]) => n > 1).reduce((a, [, c]) => a + c, 0)}; target 0)`,
      ...profile.report(totals.get('sent') ?? 0),
      `reminders: resident turns during the wave ${latencies.length}, latency p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms`,
    ];
  } finally {
    await fake.close();
    await db.dropDatabase().catch(() => undefined);
    await residentsDatabase.close();
    await database.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
