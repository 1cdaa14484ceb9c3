import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSignerFor } from '../../bot/web/directline-token.js';
import { directLineHttp, type Conversation } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const secret = 'bad-input-directline-secret-0123456789';
let web: WebServer;
let dl: ReturnType<typeof directLineHttp>;
let conv: Conversation;
let other: Conversation;

beforeAll(async () => {
  web = await startWebServer({ DIRECTLINE_SECRET: secret });
  dl = directLineHttp(web.baseUrl);
  conv = await dl.open();
  other = await dl.open();
  await dl.say(conv, { type: 'event', name: 'start', value: '' });
});

afterAll(async () => {
  await web?.stop();
});

const stored = () => web.runtime.db.collection('dl_activities').countDocuments({});
/** A token for the conversation as the server would sign it at `at` (its user, its generation). */
async function signedFor(c: Conversation, at: Date, secretOfServer = secret): Promise<string> {
  const found = await web.runtime.directLine.findConversation(c.conversationId);
  return tokenSignerFor(secretOfServer).sign(
    {
      conversationId: c.conversationId,
      userId: found?.userId,
      generation: found?.tokenGeneration ?? 0,
    },
    at,
  );
}
const participants = () => web.runtime.db.collection('participants').countDocuments({});

describe('Direct Line refuses bad input with a clear 4xx and stores nothing', () => {
  it('oversized, malformed or unsupported activities', async () => {
    const before = { activities: await stored(), participants: await participants() };
    expect((await dl.post(conv, { type: 'message', text: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await dl.post(conv, { type: 'message', text: 'x'.repeat(5_000) })).status).toBe(400);
    expect((await dl.post(conv, { type: 'conversationUpdate' })).status).toBe(400);
    const malformed = await fetch(
      `${web.baseUrl}/v3/directline/conversations/${conv.conversationId}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${conv.token}` },
        body: '{"type":"message",',
      },
    );
    expect(malformed.status).toBe(400);
    expect(await dl.json(malformed)).toHaveProperty('error.code', 'BadArgument');
    const notJson = await fetch(
      `${web.baseUrl}/v3/directline/conversations/${conv.conversationId}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${conv.token}` },
        body: 'hello',
      },
    );
    expect(notJson.status).toBe(415);
    expect(await stored()).toBe(before.activities);
    expect(await participants()).toBe(before.participants);
  });

  it('values outside the shapes the page and Web Chat send, and malformed activities', async () => {
    const before = { activities: await stored(), participants: await participants() };
    const bodies: unknown[] = [
      { type: 'message', value: { $where: 'sleep(1000)' } },
      { type: 'message', value: { 'a.b': 'dotted' } },
      { type: 'message', value: { promptId: 'x', choiceId: 'y', $set: { admin: true } } },
      { type: 'message', value: { promptId: 'x', choiceId: { $ne: null } } },
      { type: 'message', value: [[['nested']]] },
      { type: 'message', value: { '\u0000': 'nul key' } },
      { type: 'message', value: { promptId: 'a\u0000b', choiceId: 'y' } },
      { type: 'message', value: { command: 'drop' } },
      // A command button's choice is `/` and a command name, nothing wider.
      { type: 'message', value: { promptId: '_reminder', choiceId: '/drop' } },
      { type: 'message', value: { promptId: '_reminder', choiceId: '/stop/../x' } },
      { type: 'message', value: { promptId: '/stop', choiceId: 'y' } },
      { type: 'message', value: 1e308 },
      { type: 'message', value: 'x'.repeat(65) },
      // Half an emoji would be stored as U+FFFD (found by the 10,000-case fuzz run).
      { type: 'event', name: 'start', value: 'RBX\ud83d' },
      { type: 'event', name: 'webchat/join' },
      { type: 'message', text: 42 },
      { type: 'message', locale: '../../etc/passwd' },
      { type: 'message', channelData: { clientActivityId: { $gt: '' } } },
      { type: 'message', channelData: { clientActivityID: 'with space' } },
      { type: 'message', from: 'not an object' },
      [],
      null,
      'message',
      42,
    ];
    for (const body of bodies) {
      const res = await dl.post(conv, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = await dl.json(res);
      expect(answer).toHaveProperty('error.code', 'BadArgument');
      // The refusal names fields, never what they held.
      expect(JSON.stringify(answer)).not.toMatch(/sleep|dotted|nested|nul key|passwd/);
    }
    const raw = [
      '{"type":"message","value":1e999}',
      '{"type":"message","value":{"__proto__":{"polluted":true}}}',
      `{"type":"message","value":${'['.repeat(3000)}${']'.repeat(3000)}}`,
      '{"type":"message","text":"\ud83d"', // cut in the middle
    ];
    for (const body of raw) {
      const res = await fetch(
        `${web.baseUrl}/v3/directline/conversations/${conv.conversationId}/activities`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${conv.token}` },
          body,
        },
      );
      expect(res.status, body.slice(0, 60)).toBe(400);
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(await stored()).toBe(before.activities);
    expect(await participants()).toBe(before.participants);
  });

  it("accepts a command button's choice: « Reprendre » (`/resume`), a reminder's « Ne plus me rappeler »", async () => {
    const own = await dl.open();
    await dl.say(own, { type: 'event', name: 'start', value: '' });
    // The value the page sends for a tap on a reminder (bot/web/static/chat.js sayReminderChoice).
    const stopped = await dl.say(own, {
      type: 'message',
      text: 'Ne plus me rappeler',
      value: { promptId: '_reminder', choiceId: '/stop' },
    });
    const stopDone = web.runtime.catalog.fr['stop.done']?.split('\n')[0] ?? '';
    expect(stopDone).not.toBe('');
    expect(stopped.map((b) => b.text).join('\n')).toContain(stopDone);
    const resumed = await dl.say(own, {
      type: 'message',
      text: 'Continuer',
      value: { promptId: '_reminder', choiceId: '/resume' },
    });
    expect(resumed.length).toBeGreaterThan(0);
  });

  it('unknown conversations, foreign, forged and expired tokens', async () => {
    const before = await stored();
    const unknown = { conversationId: 'no-such-conversation', token: secret };
    expect((await dl.post(unknown, { type: 'message', text: 'hi' })).status).toBe(404);
    expect((await dl.poll(unknown)).status).toBe(404);
    // A token for another conversation reads nothing and writes nothing here.
    expect((await dl.poll(conv, '', other.token)).status).toBe(403);
    expect((await dl.post(conv, { type: 'message', text: 'hi' }, other.token)).status).toBe(403);
    const forged = `${conv.token.split('.')[0]}.AAAA`;
    expect((await dl.poll(conv, '', forged)).status).toBe(401);
    expect((await dl.poll(conv, '', 'not-a-token')).status).toBe(401);
    const expired = await signedFor(conv, new Date(Date.now() - 7200_000));
    expect((await dl.poll(conv, '', expired)).status).toBe(403);
    expect((await dl.post(conv, { type: 'message', text: 'hi' }, expired)).status).toBe(403);
    const refresh = await fetch(`${web.baseUrl}/v3/directline/tokens/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(refresh.status).toBe(403);
    const generate = await fetch(`${web.baseUrl}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conv.token}` },
    });
    expect(generate.status).toBe(401);
    expect(await stored()).toBe(before);
  });

  it('an expired page token still renews its own conversation (within 30 days), a forged one does not', async () => {
    const expired = await signedFor(conv, new Date(Date.now() - 3 * 86_400_000));
    const renewed = await dl.session(expired);
    expect(renewed.status).toBe(200);
    expect(await dl.json(renewed)).toMatchObject({
      conversationId: conv.conversationId,
      resumed: true,
    });
    const tooOld = await signedFor(conv, new Date(Date.now() - 40 * 86_400_000));
    expect((await dl.session(tooOld)).status).toBe(403);
    expect((await dl.session(await signedFor(conv, new Date(), 'another secret'))).status).toBe(
      401,
    );
  });

  it('a stream with a foreign token is refused', async () => {
    const url = `ws://127.0.0.1:${web.port}/v3/directline/conversations/${conv.conversationId}/stream?t=${encodeURIComponent(other.token)}`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });

  it('a flood of session requests from one address gets 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await dl.session()).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const limited = await dl.session();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
