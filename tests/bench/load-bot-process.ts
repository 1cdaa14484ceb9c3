// One bot process for the load benchmark: the real runtime, HTTP server and both channels
// (web with Direct Line; Telegram in webhook mode against the local Bot API at
// TELEGRAM_API_ROOT, unpaced: the benchmark measures the bot, Telegram's own 30 messages/s per
// bot is a cap of its own, see docs/SCALING.md). Prints `port <n>` once it listens.
import { parseConfig, readEnvironment } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { telegramChannel } from '../../bot/telegram/telegram-channel.js';
import { createWebChannel } from '../../bot/web/create-web-channel.js';

const parsed = parseConfig(readEnvironment());
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
const unpaced = telegramChannel({
  limits: { globalPerSecond: 100_000, perChatBurst: 1000, perChatIntervalMs: 0 },
});
const { server, channels, port } = await startServer(runtime, [createWebChannel, unpaced]);
process.stdout.write(`port ${port}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    for (const c of channels) await c.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
    process.exit(0);
  })();
});
