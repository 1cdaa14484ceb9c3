import type { Update } from 'grammy/types';
import { inject } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import {
  telegramChannel,
  type TelegramChannelOptions,
} from '../../bot/telegram/telegram-channel.js';
import { collections } from '../../storage/collections.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { TelegramChat, type Deliver } from './telegram-chat.js';

export const webhookSecret = 'test-secret_0123456789';

/** Faster than Telegram's pace so a whole questionnaire fits in a test; same code paths. */
export const testChannelOptions: TelegramChannelOptions = {
  limits: { globalPerSecond: 30, perChatBurst: 3, perChatIntervalMs: 20 },
  retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 500, maxRetryAfterMs: 120_000 },
};

export interface BotUnderTest {
  runtime: Runtime;
  baseUrl: string;
  deliver: Deliver;
  /** A POST to the webhook as Telegram would send it (or not: headers are yours). */
  post(update: unknown, headers?: Record<string, string>): Promise<Response>;
  chat(user: { id: number; first_name?: string; language_code?: string }): TelegramChat;
  /** Stops the server and the runtime; the database stays (for a restart). */
  stop(): Promise<void>;
}

export interface StartOptions {
  fake: FakeTelegramApi;
  mode: 'webhook' | 'polling';
  database: TestDatabase;
  channel?: TelegramChannelOptions;
  /** Replaces parts of the runtime (e.g. a turn handler whose database is down). */
  patch?: (runtime: Runtime) => Runtime;
}

/** The test database with two sample councils and their invitation codes (written as stored). */
export async function seededDatabase(): Promise<TestDatabase> {
  const database = await useTestDatabase();
  const c = collections(database.db);
  const at = new Date();
  const common = { department: '59', departmentName: 'Nord', createdAt: at, updatedAt: at };
  await c.councils.insertMany([
    {
      _id: 'QN05981M',
      name: 'Nouveau Roubaix',
      commune: 'Roubaix',
      communeInsee: '59512',
      invitationCodes: ['RBX7KQ'],
      ...common,
    },
    {
      _id: 'QN05983M',
      name: 'Phalempins',
      commune: 'Tourcoing',
      communeInsee: '59599',
      invitationCodes: ['TCG4HW'],
      ...common,
    },
  ]);
  await c.invitationCodes.insertMany([
    { _id: 'RBX7KQ', councilId: 'QN05981M', createdAt: at },
    { _id: 'TCG4HW', councilId: 'QN05983M', createdAt: at },
  ]);
  return database;
}

/** The real runtime and HTTP server with only the Telegram channel, talking to the fake API. */
export async function startTelegramBot(options: StartOptions): Promise<BotUnderTest> {
  const parsed = parseConfig({
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: options.database.name,
    MONGODB_WRITE_CONCERN: '1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TELEGRAM_BOT_TOKEN: options.fake.token,
    TELEGRAM_API_ROOT: options.fake.apiRoot,
    TELEGRAM_MODE: options.mode,
    TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    CONSULTATION_OPENS_AT: '2017-11-22T00:00:00+01:00',
    CONSULTATION_CLOSES_AT: '2099-12-05T23:59:59+01:00',
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const started = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
  const runtime = options.patch ? options.patch(started) : started;
  const { server, channels, port } = await startServer(runtime, [
    telegramChannel(options.channel ?? testChannelOptions),
  ]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const post = (
    update: unknown,
    headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': webhookSecret },
  ) =>
    fetch(`${baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(update),
    });
  const deliver: Deliver =
    options.mode === 'webhook'
      ? async (update: Update) => {
          const response = await post(update);
          if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
        }
      : async (update: Update) => options.fake.push(update);
  return {
    runtime,
    baseUrl,
    deliver,
    post,
    chat: (user) =>
      new TelegramChat(options.fake, deliver, user, options.mode === 'polling' ? 150 : 0),
    async stop() {
      for (const channel of channels) await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await started.close();
    },
  };
}
