import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from './start-web-server.js';
import { isLoopback } from '../../bot/web/bot-framework-route.js';

/** Plays the Emulator's connector: records what the bot POSTs back to `serviceUrl`. */
interface Captured {
  path: string;
  body: Record<string, unknown>;
}

let web: WebServer;
let capture: Server;
let serviceUrl: string;
const captured: Captured[] = [];

beforeAll(async () => {
  web = await startWebServer({ BOTFRAMEWORK_ANONYMOUS: 'true' });
  capture = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      captured.push({
        path: req.url ?? '',
        body:
          typeof body === 'object' && body !== null ? Object.fromEntries(Object.entries(body)) : {},
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `reply-${captured.length}` }));
    });
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', () => resolve()));
  const address = capture.address();
  serviceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => capture?.close(() => resolve()));
  await web?.stop();
});

function activity(id: string, extra: Record<string, unknown>) {
  return {
    type: 'message',
    id,
    channelId: 'emulator',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: 'emulator-user-1', name: 'User' },
    recipient: { id: 'concerto-bot', name: 'Bot' },
    conversation: { id: 'emu-conv-1' },
    locale: 'fr-FR',
    ...extra,
  };
}

async function postMessages(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('/api/messages (Bot Framework)', () => {
  it('answers an Emulator activity by POSTing replies to its serviceUrl, buttons included', async () => {
    const res = await postMessages(web.baseUrl, activity('act-1', { text: 'bonjour' }));
    expect(res.status).toBe(200);
    const replies = captured.filter(
      (c) => c.path === '/v3/conversations/emu-conv-1/activities/act-1',
    );
    expect(replies.length).toBeGreaterThan(0);
    const consent = replies.map((c) => c.body).find((b) => b.suggestedActions);
    expect(JSON.stringify(consent?.suggestedActions)).toContain('"choiceId":"yes"');

    captured.length = 0;
    const tap = await postMessages(
      web.baseUrl,
      activity('act-2', { text: "J'accepte", value: { promptId: '_consent', choiceId: 'yes' } }),
    );
    expect(tap.status).toBe(200);
    const after = captured
      .filter((c) => c.path === '/v3/conversations/emu-conv-1/activities/act-2')
      .map((c) => String(c.body.text));
    expect(after.join('\n')).toMatch(/Merci/);

    // The Emulator retrying the same activity id: stored once, answered once.
    captured.length = 0;
    expect(
      (
        await postMessages(
          web.baseUrl,
          activity('act-2', { value: { promptId: '_consent', choiceId: 'yes' } }),
        )
      ).status,
    ).toBe(200);
    expect(captured).toHaveLength(0);
    const participant = await web.runtime.storage.participants.load({
      channel: 'web',
      externalId: 'bf:emulator:emulator-user-1',
    });
    expect(participant?.state.consented).toBe(true);
  });

  it('refuses malformed bodies', async () => {
    const res = await fetch(`${web.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(res.status).toBe(400);
    expect((await postMessages(web.baseUrl, [1, 2])).status).toBe(400);
  });

  it('without MICROSOFT_APP_ID, accepts anonymous requests from loopback addresses only', () => {
    // The route checks req.socket.remoteAddress with this predicate; tests send no traffic
    // to other addresses, so the predicate itself is checked here.
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(address)).toBe(true);
    }
    for (const address of [
      '10.0.0.5',
      '192.168.1.20',
      '::ffff:10.1.2.3',
      '2001:db8::1',
      '',
      undefined,
    ]) {
      expect(isLoopback(address)).toBe(false);
    }
  });

  it('with MICROSOFT_APP_ID set, refuses an unauthenticated request with 401', async () => {
    const secured = await startWebServer({
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
      MICROSOFT_APP_PASSWORD: 'not-a-real-password',
    });
    try {
      const before = captured.length;
      const res = await postMessages(secured.baseUrl, activity('act-3', { text: 'bonjour' }));
      expect(res.status).toBe(401);
      expect(captured.length).toBe(before);
      expect(
        await secured.runtime.storage.participants.load({
          channel: 'web',
          externalId: 'bf:emulator:emulator-user-1',
        }),
      ).toBeNull();
    } finally {
      await secured.stop();
    }
  });
});
