import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import type { Route } from '../../bot/http/create-http-server.js';
import type { Metrics } from '../../bot/http/metrics.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

export const fullServerSecrets = {
  directLine: 'fuzz-directline-secret-0123456789abcdef',
  webhook: 'fuzz-webhook-secret_0123456789',
};

export interface FullServer {
  runtime: Runtime;
  baseUrl: string;
  port: number;
  /** Every route the server answers, as it built them (channels added later included). */
  routes: readonly Route[];
  metrics: Metrics;
  stop(): Promise<void>;
}

/**
 * `concerto serve` in this process, every default channel on: the web (chat page, Direct
 * Line, anonymous /api/messages for this machine) and Telegram in webhook mode against the
 * fake Bot API, on a fresh database of the run's server.
 */
export async function startFullServer(
  fake: FakeTelegramApi,
  env: Record<string, string> = {},
): Promise<FullServer> {
  const parsed = parseConfig({
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: `full_${randomBytes(6).toString('hex')}`,
    MONGODB_WRITE_CONCERN: '1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DIRECTLINE_SECRET: fullServerSecrets.directLine,
    BOTFRAMEWORK_ANONYMOUS: 'true',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: fullServerSecrets.webhook,
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
