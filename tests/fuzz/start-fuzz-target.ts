import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../bot/config.js';
import type { Route } from '../../bot/http/create-http-server.js';
import type { Metrics } from '../../bot/http/metrics.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

export const targetSecrets = {
  directLine: 'fuzz-directline-secret-0123456789abcdef',
  webhook: 'fuzz-webhook-secret_0123456789',
};

export interface FuzzTarget {
  runtime: Runtime;
  baseUrl: string;
  port: number;
  /** Every route the server answers, as it built them (routes other channels add included). */
  routes: readonly Route[];
  metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * `concerto serve` in this process with every default channel on: the web (chat page, Direct
 * Line, anonymous /api/messages for this machine) and Telegram in webhook mode against the
 * fake Bot API, on a fresh database of the server at `mongoUri`. Free of vitest, so the
 * benchmark runs it too.
 */
export async function startFuzzTarget(
  mongoUri: string,
  fake: FakeTelegramApi,
  env: Record<string, string> = {},
): Promise<FuzzTarget> {
  const parsed = parseConfig({
    MONGODB_URI: mongoUri,
    MONGODB_DB: `fuzz_${randomBytes(6).toString('hex')}`,
    MONGODB_WRITE_CONCERN: '1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DIRECTLINE_SECRET: targetSecrets.directLine,
    BOTFRAMEWORK_ANONYMOUS: 'true',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: targetSecrets.webhook,
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
  const { server, channels, port, routes, metrics } = await startServer(runtime);
  return {
    runtime,
    port,
    routes,
    metrics,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      for (const channel of channels) await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.db.dropDatabase().catch(() => undefined);
      await runtime.close();
    },
  };
}
