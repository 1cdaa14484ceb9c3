import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import { createWebChannel } from '../../bot/web/create-web-channel.js';

export interface WebServer {
  runtime: Runtime;
  baseUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** The real runtime and HTTP server with only the web channel, on a free port and a fresh database. */
export async function startWebServer(
  env: Record<string, string> = {},
  /** Replaces parts of the runtime the channel gets (e.g. a turn handler that fails once). */
  patch: (runtime: Runtime) => Runtime = (runtime) => runtime,
): Promise<WebServer> {
  const parsed = parseConfig({
    MONGODB_URI: inject('mongoUri'), // the run's server (tests/global-setup.ts)
    MONGODB_DB: `web_${randomBytes(6).toString('hex')}`,
    MONGODB_WRITE_CONCERN: '1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
  const { server, channels, port } = await startServer(patch(runtime), [createWebChannel]);
  return {
    runtime,
    port,
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
