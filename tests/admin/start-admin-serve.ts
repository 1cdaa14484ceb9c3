import { inject } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startReminderService } from '../../bot/reminders/start-reminder-service.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { secret } from '../exports/seeded-exports.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';

/**
 * The admin site as `concerto serve` runs it, over a test database: the real runtime and
 * routes (no chat channel) and the reminder sender, its Telegram transport on the fake Bot API.
 */
export async function startAdminServe(
  database: TestDatabase,
  fake: FakeTelegramApi,
): Promise<{ url: string; close(): Promise<void> }> {
  const parsed = parseConfig({
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: database.name,
    MONGODB_WRITE_CONCERN: '1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PSEUDONYM_SECRET: secret,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_BOT_USERNAME: 'concerto_test_bot',
    // The test may run at night in Paris: reminders go at once.
    REMINDER_QUIET_HOURS: 'off',
    REMINDER_POLL_SECONDS: '0.2',
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL), {
    conversations: false,
  });
  const { server, port } = await startServer(runtime, []);
  const reminders = startReminderService(runtime);
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await reminders.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
}
