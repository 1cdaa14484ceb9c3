// The bot as a process of its own for the CPU benchmark: the real runtime and the Telegram
// channel in webhook mode, on MONGODB_URI, talking to the local Bot API at TELEGRAM_API_ROOT
// (tests/bench/spawn-telegram-bot.ts starts it).
// Prints `port <n>` once it listens; SIGTERM stops it.
import { parseConfig, readEnvironment } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { telegramChannel } from '../../bot/telegram/telegram-channel.js';
import { telegramSendLimits } from '../../bot/telegram/throttle-transformer.js';

const parsed = parseConfig(readEnvironment());
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
// BENCH_PACING=telegram keeps Telegram's limits (the pace benchmark); else as fast as it can,
// for the CPU benchmark (Telegram's pace would make a questionnaire last minutes).
// BENCH_TELEGRAM_GLOBAL lowers the overall budget (to a rate a loaded machine can follow).
const globalPerSecond = Number(process.env['BENCH_TELEGRAM_GLOBAL'] ?? 30);
const channel = telegramChannel(
  process.env['BENCH_PACING'] === 'telegram'
    ? { limits: { ...telegramSendLimits, globalPerSecond } }
    : { limits: { globalPerSecond: 1000, perChatBurst: 1000, perChatIntervalMs: 0 } },
);
const { server, channels, port } = await startServer(runtime, [channel]);
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
