import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Update } from 'grammy/types';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

const botScript = fileURLToPath(new URL('./telegram-bot-process.ts', import.meta.url));
const secret = 'bench-secret_0123456789';

export interface BenchBot {
  pid: number;
  /** Hands an update to the webhook; resolves once the bot answered 200. */
  post(update: Update): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The bot as a process of its own (the real runtime and Telegram channel, webhook mode) on
 * `uri`, talking to the local Bot API. `pacing: 'telegram'` keeps Telegram's limits, `none`
 * sends as fast as it can.
 */
export async function spawnTelegramBot(options: {
  fake: FakeTelegramApi;
  uri: string;
  dbName: string;
  pacing: 'telegram' | 'none';
}): Promise<BenchBot> {
  const bot = spawn(process.execPath, ['--import', 'tsx', botScript], {
    env: {
      ...process.env,
      MONGODB_URI: options.uri,
      MONGODB_DB: options.dbName,
      PORT: '0',
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: options.fake.token,
      TELEGRAM_API_ROOT: options.fake.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: secret,
      BENCH_PACING: options.pacing,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    bot.kill('SIGTERM');
    await new Promise((resolve) =>
      bot.exitCode === null ? bot.once('exit', resolve) : resolve(0),
    );
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      bot.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
      createInterface({ input: bot.stdout }).on('line', (line) => {
        const match = /^port (\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
      });
    });
    if (bot.pid === undefined) throw new Error('no pid for the bot');
    const post = async (update: Update) => {
      const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    };
    return { pid: bot.pid, post, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
