// The edge checks of issue 13 one by one, against the real server where there is one:
// /api/messages anonymous only by opt-in, never through a proxy, never to a foreign serviceUrl;
// Telegram updates whose fields are not what they must be; text lengths in code points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { isTelegramUpdate } from '../../bot/telegram/input-from-update.js';
import { matchesOrigin } from '../../bot/web/bot-framework-route.js';
import { codePointLength, isWholeText, sliceCodePoints } from '../../dialogs/code-points.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { fullServerSecrets, startFullServer, type FullServer } from './start-full-server.js';

let fake: FakeTelegramApi;
let server: FullServer;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  server = await startFullServer(fake);
});

afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

const emulatorActivity = (serviceUrl: string, id: string) => ({
  type: 'message',
  id,
  channelId: 'emulator',
  serviceUrl,
  timestamp: new Date().toISOString(),
  from: { id: 'edge-user', name: 'User' },
  recipient: { id: 'concerto-bot', name: 'Bot' },
  conversation: { id: 'edge-conv' },
  text: 'bonjour',
});

const postMessages = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const storedEdgeUser = () =>
  server.runtime.storage.participants.load({ channel: 'web', externalId: 'bf:emulator:edge-user' });

describe('/api/messages without authentication', () => {
  it('is an explicit opt-in, refused at start in production or with a public PUBLIC_URL', () => {
    const production = parseConfig({ BOTFRAMEWORK_ANONYMOUS: 'true', NODE_ENV: 'production' });
    expect(production.ok).toBe(false);
    if (!production.ok)
      expect(production.problems.join('\n')).toMatch(/BOTFRAMEWORK_ANONYMOUS.*NODE_ENV=production/);
    const exposed = parseConfig({
      BOTFRAMEWORK_ANONYMOUS: 'true',
      PUBLIC_URL: 'https://concerto.example.org',
    });
    expect(exposed.ok).toBe(false);
    if (!exposed.ok) expect(exposed.problems.join('\n')).toMatch(/PUBLIC_URL that is not local/);
    expect(parseConfig({ BOTFRAMEWORK_ANONYMOUS: 'true' }).ok).toBe(true);
  });

  it('refuses requests that came through a proxy, and foreign serviceUrls, storing nothing', async () => {
    const local = 'http://127.0.0.1:9/';
    const proxied: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { 'x-real-ip': '203.0.113.7' },
    ];
    for (const header of proxied)
      expect((await postMessages(emulatorActivity(local, 'edge-1'), header)).status).toBe(403);
    for (const foreign of [
      'https://attacker.example/',
      'http://169.254.169.254/',
      'http://10.0.0.1/',
    ])
      expect((await postMessages(emulatorActivity(foreign, 'edge-2'))).status).toBe(403);
    expect(await storedEdgeUser()).toBeNull();
  });

  it('answers a malformed activity 400, not 500', async () => {
    for (const body of [
      { type: 'message' },
      { ...emulatorActivity('http://127.0.0.1:9/', 'x'), from: 'me' },
      'text',
    ])
      expect((await postMessages(body)).status).toBe(400);
  });
});

describe('Bot Framework serviceUrl allow-list (authenticated mode)', () => {
  it('matches an origin, a wildcard subdomain, nothing else', () => {
    const allowed = ['https://*.botframework.com', 'https://smba.trafficmanager.net'];
    expect(matchesOrigin('https://europe.webchat.botframework.com/', allowed)).toBe(true);
    expect(matchesOrigin('https://smba.trafficmanager.net/emea/', allowed)).toBe(true);
    for (const url of [
      'https://botframework.com.attacker.example/',
      'http://europe.webchat.botframework.com/',
      'https://attacker.example/?https://smba.trafficmanager.net',
      'not a url',
    ])
      expect(matchesOrigin(url, allowed), url).toBe(false);
  });
});

describe('Telegram updates', () => {
  const update = (chatId: unknown) => ({
    update_id: 77,
    message: {
      message_id: 1,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private' },
      from: { id: 4242, is_bot: false, first_name: 'A' },
      text: 'bonjour',
    },
  });

  it('refuses a chat.id sent as an object or a string: 400, nothing stored', async () => {
    expect(isTelegramUpdate(update(4242))).toBe(true);
    for (const chatId of [{ a: 1 }, '4242', 1.5, null]) {
      expect(isTelegramUpdate(update(chatId))).toBe(false);
      const res = await fetch(`${server.baseUrl}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'Application/JSON; charset=UTF-8',
          'x-telegram-bot-api-secret-token': fullServerSecrets.webhook,
        },
        body: JSON.stringify(update(chatId)),
      });
      expect(res.status).toBe(400);
    }
    const identities = await server.runtime.db
      .collection<{ _id: string }>('identities')
      .find({})
      .toArray();
    expect(identities.map((i) => i._id).filter((id) => id.startsWith('telegram:'))).toEqual([]);
  });

  it('refuses a button whose data holds half an emoji (it would be stored as U+FFFD)', () => {
    const tap = (data: string) => ({
      update_id: 78,
      callback_query: {
        id: 'q1',
        from: { id: 4242, is_bot: false, first_name: 'A' },
        data,
      },
    });
    expect(isTelegramUpdate(tap('edu_idees:devoirs'))).toBe(true);
    expect(isTelegramUpdate(tap('edu_idees:\ud83d'))).toBe(false);
  });
});

describe('text lengths', () => {
  it('count and cut code points, never half an emoji', () => {
    expect(codePointLength('👍é🇫🇷')).toBe(4);
    expect(sliceCodePoints('👍👍👍', 2)).toBe('👍👍');
    expect(isWholeText(sliceCodePoints('a👍', 2))).toBe(true);
    expect(isWholeText('\ud83d')).toBe(false);
  });
});
