// What people write never reaches the logs, at any level: a real `concerto serve` at
// LOG_LEVEL=trace gets a recognisable phrase through every channel (Telegram webhook, the web
// page's Direct Line, Bot Framework's /api/messages, the terminal chat), in good requests,
// refused ones, and a turn whose replies cannot be delivered (the connector's error carries
// the reply, which quotes the phrase). Everything the process writes is then searched for it.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../storage/find-free-port.js';
import { ChatProcess } from '../console/chat-process.js';
import { ServeProcess } from '../faults/serve-process.js';
import { FakeTelegramApi, UpdateFactory } from '../helpers/fake-telegram-api.js';
import { directLineHttp } from '../web/directline-http.js';

const phrase = 'Zorglub mange des topinambours';
const webhookSecret = 'privacy-webhook-secret_0123';

let fake: FakeTelegramApi;
let serve: ServeProcess;
let baseUrl: string;
let connector: Server;
let connectorUrl: string;
let connectorCalls = 0;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  // Bot Framework's side: every reply POST fails, so the bot logs a connector error.
  connector = createServer((req, res) => {
    connectorCalls += 1;
    req.resume();
    req.on('end', () => res.writeHead(500, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', () => resolve()));
  const address = connector.address();
  connectorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const port = await findFreePort();
  baseUrl = `http://127.0.0.1:${port}`;
  serve = new ServeProcess({
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: `privacy_${randomBytes(5).toString('hex')}`,
    MONGODB_WRITE_CONCERN: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    BOTFRAMEWORK_ANONYMOUS: 'true',
  });
  await serve.ready;
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((resolve) => connector?.close(() => resolve()));
  await fake?.close();
});

const webhook = (update: unknown) =>
  fetch(`${baseUrl}/telegram/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': webhookSecret,
    },
    body: JSON.stringify(update),
  });

describe('a phrase written by someone, at LOG_LEVEL=trace', () => {
  it('is answered through every channel', async () => {
    // Telegram: a greeting, consent typed, then the phrase (searched as a council, quoted back).
    const updates = new UpdateFactory(fake);
    const user = { id: 424_242, is_bot: false, first_name: 'Awa', language_code: 'fr' };
    for (const text of ['bonjour', 'oui', phrase])
      expect((await webhook(updates.text(user, text))).status).toBe(200);
    expect(fake.callsOf('sendMessage').some((c) => String(c.params.text).includes(phrase))).toBe(
      true,
    );
    // …and refused: a chat id that is not a number, with the phrase beside it.
    const forged = {
      update_id: 99,
      message: { message_id: 1, date: 1, chat: { id: { phrase }, type: 'private' }, text: phrase },
    };
    expect((await webhook(forged)).status).toBe(400);

    // Direct Line: the same, then refused shapes carrying the phrase.
    const dl = directLineHttp(baseUrl);
    const conversation = await dl.open();
    for (const text of ['bonjour', 'oui', phrase])
      expect((await dl.post(conversation, { type: 'message', text })).status).toBe(200);
    expect(
      (await dl.post(conversation, { type: 'message', value: { $where: phrase } })).status,
    ).toBe(400);
    expect((await dl.post(conversation, { type: 'message', text: `${phrase}\ud800` })).status).toBe(
      400,
    );
    const malformed = await fetch(
      `${baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${conversation.token}`,
        },
        body: `{"type":"message","text":"${phrase}"`,
      },
    );
    expect(malformed.status).toBe(400);
    const polled = await (await dl.poll(conversation)).text();
    expect(polled).toContain(phrase);

    // Bot Framework: replies to a connector that fails; the bot logs the failure.
    const activity = (id: string, extra: Record<string, unknown>) => ({
      type: 'message',
      id,
      channelId: 'emulator',
      serviceUrl: connectorUrl,
      from: { id: 'privacy-user' },
      recipient: { id: 'concerto-bot' },
      conversation: { id: 'privacy-conversation' },
      locale: 'fr-FR',
      ...extra,
    });
    const post = (body: unknown) =>
      fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(activity('a1', { text: 'bonjour' }))).status).toBe(200);
    expect((await post(activity('a2', { text: 'oui' }))).status).toBe(200);
    expect((await post(activity('a3', { text: phrase }))).status).toBe(200);
    expect((await post(activity('a4', { text: 42, value: { $gt: phrase } }))).status).toBe(400);
    expect(connectorCalls).toBeGreaterThan(0);
    expect(serve.output).toMatch(/Bot Framework turn failed/);

    // The terminal chat.
    const chat = new ChatProcess(['--user', 'privacy-console'], {
      LOG_LEVEL: 'trace',
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: `privacy_console_${randomBytes(4).toString('hex')}`,
    });
    chat.send('bonjour');
    chat.send('oui');
    chat.send(phrase);
    await chat.expectMessage(new RegExp(phrase));
    await chat.close();

    await serve.stop();
    expect(serve.output).toMatch(/"level":10|"level":20|"level":30/);
    for (const output of [serve.output, chat.stderr]) {
      expect(output).not.toContain(phrase);
      expect(output).not.toContain('Zorglub');
      expect(output).not.toContain('topinambours');
    }
  }, 120_000);
});
