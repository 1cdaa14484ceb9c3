// The reminder sender in the test process: the real repository, budget, planner, sender and
// Telegram transport, on a fresh test database, sending to the local Bot API. The clock of
// every policy decision is the test's; pacing and leases run on real time.
import { CouncilIndex } from '../../bot/council-index.js';
import { createTurnHandler, type TurnHandler } from '../../bot/handle-turn.js';
import { createLogger } from '../../bot/logger.js';
import { ReminderService } from '../../bot/reminders/reminder-service.js';
import type { ReminderTransport } from '../../bot/reminders/reminder-transport.js';
import { returnNotices } from '../../bot/reminders/return-notices.js';
import { SlotDispenser } from '../../bot/reminders/slot-dispenser.js';
import { telegramReminderTransport } from '../../bot/telegram/telegram-reminder-transport.js';
import { defaultCatalog, shippedConsultation } from '../../dialogs/load-consultation.js';
import type { Consultation, ReminderSettings } from '../../dialogs/questionnaire-schema.js';
import { ensureIndexes } from '../../storage/ensure-indexes.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import type { DeliveryDoc, WaveDoc } from '../../storage/reminder-documents.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { SendBudget } from '../../storage/send-budget.js';
import type { Storage } from '../../storage/storage.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private at: Date) {}
  now = (): Date => new Date(this.at);
  set(iso: string): void {
    this.at = new Date(iso);
  }
  advanceHours(hours: number): void {
    this.at = new Date(this.at.getTime() + hours * 3_600_000);
  }
}

export interface HarnessOptions {
  clock: TestClock;
  closesAt?: string;
  reminders?: Partial<ReminderSettings>;
  /** Telegram messages per second (the budget); the fake enforces nothing unless told. */
  rate?: number;
  workers?: number;
  /** Wraps the Telegram transport (to act at a given send), or replaces the transports. */
  transports?: (telegram: ReminderTransport) => ReminderTransport[];
}

export interface Harness {
  database: TestDatabase;
  fake: FakeTelegramApi;
  consultation: Consultation;
  storage: Storage;
  repository: ReminderRepository;
  handleTurn: TurnHandler;
  /** A sender process of its own (its own owner name and slot dispenser). */
  service(options?: { workers?: number; leaseMs?: number }): ReminderService;
  deliveries(waveId: string): Promise<DeliveryDoc[]>;
  wave(waveId: string): Promise<WaveDoc>;
  /** Texts the fake accepted in a chat (refused ones are not there). */
  sentTo(chatId: number): string[];
  close(): Promise<void>;
}

export async function reminderHarness(options: HarnessOptions): Promise<Harness> {
  const database = await useTestDatabase();
  await ensureIndexes(database.db);
  const fake = await FakeTelegramApi.start();
  const loaded = shippedConsultation({
    opensAt: '2017-11-22T00:00:00+01:00',
    closesAt: options.closesAt ?? '2017-12-05T23:59:59+01:00',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const consultation: Consultation = {
    ...loaded.consultation,
    // No scheduled waves unless a test asks for them: each test sends its own.
    reminders: { ...loaded.consultation.reminders, schedule: [], ...options.reminders },
  };
  const storage = mongoStorage(database.db);
  const repository = new ReminderRepository(database.db);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const engine = { consultation, catalog: defaultCatalog, councils: new CouncilIndex() };
  const handleTurn = createTurnHandler({
    storage,
    engine,
    now: options.clock.now,
    returnNotices: returnNotices(consultation, defaultCatalog, repository),
  });
  const telegram = telegramReminderTransport({
    token: fake.token,
    apiRoot: fake.apiRoot,
    timeoutSeconds: 5,
  });
  const transports = options.transports ? options.transports(telegram) : [telegram];
  const services: ReminderService[] = [];
  return {
    database,
    fake,
    consultation,
    storage,
    repository,
    handleTurn,
    service(overrides = {}) {
      const budget = new SendBudget(database.db, {
        key: 'telegram',
        perSecond: options.rate ?? 200,
      });
      const service = new ReminderService(
        {
          repository,
          participants: storage.participants,
          handleTurn,
          consultation,
          catalog: defaultCatalog,
          transports,
          pacing: { telegram: new SlotDispenser(budget) },
          log,
          now: options.clock.now,
          leaseMs: overrides.leaseMs ?? 10_000,
          maxAttempts: 5,
        },
        { workers: overrides.workers ?? options.workers ?? 4, pollMs: 60_000 },
      );
      services.push(service);
      return service;
    },
    async deliveries(waveId) {
      const wave = await repository.wave(waveId);
      return repository.deliveriesOf(waveId, 0, wave?.planned ?? 0);
    },
    async wave(waveId) {
      const wave = await repository.wave(waveId);
      if (!wave) throw new Error(`no wave ${waveId}`);
      return wave;
    },
    sentTo(chatId) {
      return fake.chatMessages(chatId).map((m) => m.text);
    },
    async close() {
      for (const service of services) await service.stop();
      await fake.close();
      await database.drop();
    },
  };
}
