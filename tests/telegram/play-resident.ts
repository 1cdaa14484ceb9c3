// Plays one resident through the real bot and the local Bot API, printing every message call
// as the person would see it: `node --import tsx tests/telegram/play-resident.ts [steps.json]`.
// Steps: a string is typed, {"tap": id} presses the button ending in ":id" on the latest
// message that has it. Without a file, the whole questionnaire of whole-questionnaire.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { telegramChannel } from '../../bot/telegram/telegram-channel.js';
import { addInvitationCode } from '../../storage/council-repository.js';
import { FakeTelegramApi, type RecordedCall } from '../helpers/fake-telegram-api.js';
import { TelegramChat } from './telegram-chat.js';
import { testChannelOptions, webhookSecret } from './start-telegram-bot.js';
import { wholeQuestionnaireSteps, type Step } from './whole-questionnaire.js';

const file = process.argv[2];
const steps: Step[] = file
  ? z(JSON.parse(readFileSync(file, 'utf8')))
  : ['/start RBX7KQ', ...wholeQuestionnaireSteps];
const dir = mkdtempSync(join(tmpdir(), 'concerto-play-'));
const fake = await FakeTelegramApi.start();
const parsed = parseConfig({
  DATA_DIR: dir,
  PORT: '0',
  LOG_LEVEL: 'warn',
  PUBLIC_URL: 'https://concerto.example.org',
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  TELEGRAM_MODE: 'webhook',
  TELEGRAM_WEBHOOK_SECRET: webhookSecret,
});
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
// The code of the tests' invitation links, on the shipped Nouveau Roubaix.
await addInvitationCode(runtime.db, 'QN05981M', 'RBX7KQ');
await runtime.refreshCouncils();
const { server, channels, port } = await startServer(runtime, [
  telegramChannel(testChannelOptions),
]);
const chat = new TelegramChat(
  fake,
  async (update) => {
    const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': webhookSecret,
      },
      body: JSON.stringify(update),
    });
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  },
  { id: 4242, language_code: process.env['PLAY_LANG'] ?? 'fr' },
);
try {
  for (const step of steps) {
    console.log(`\n\x1b[1m>>> ${typeof step === 'string' ? step : `[tap ${step.tap}]`}\x1b[0m`);
    if (typeof step === 'string') await chat.send(step);
    else await chat.tap(step.tap);
    for (const call of chat.callsSinceMark()) print(call);
  }
} finally {
  for (const channel of channels) await channel.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await runtime.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}

function print(call: RecordedCall): void {
  const { method, params } = call;
  if (method === 'sendChatAction') return;
  const head = `  [${method}${params.message_id ? ` #${String(params.message_id)}` : ''}]`;
  const text = params.text === undefined ? '' : `\n${indent(String(params.text))}`;
  console.log(`${head}${text}${keyboard(params.reply_markup)}`);
}

function keyboard(markup: unknown): string {
  if (typeof markup !== 'object' || markup === null || !('inline_keyboard' in markup)) return '';
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows)) return '';
  if (rows.length === 0) return '\n    (keyboard removed)';
  return rows
    .map((row: unknown) =>
      Array.isArray(row)
        ? `\n    ${row.map((b: { text?: string; callback_data?: string; url?: string }) => `[${b.text} → ${b.callback_data ?? b.url}]`).join(' ')}`
        : '',
    )
    .join('');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    │ ${line}`)
    .join('\n');
}

function z(value: unknown): Step[] {
  if (!Array.isArray(value)) throw new Error('steps: a JSON array');
  return value.map((step: unknown) => {
    if (typeof step === 'string') return step;
    if (typeof step === 'object' && step !== null && 'tap' in step && typeof step.tap === 'string')
      return { tap: step.tap };
    throw new Error(`not a step: ${JSON.stringify(step)}`);
  });
}
