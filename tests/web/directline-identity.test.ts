import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSignerFor } from '../../bot/web/directline-token.js';
import { directLineHttp, type Conversation } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const secret = 'identity-directline-secret-0123456789';
let web: WebServer;
let http: ReturnType<typeof directLineHttp>;
let api: string;

beforeAll(async () => {
  web = await startWebServer({ DIRECTLINE_SECRET: secret });
  http = directLineHttp(web.baseUrl);
  api = `${web.baseUrl}/v3/directline`;
});

afterAll(async () => {
  await web?.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jsonHeaders = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

async function generate(body?: unknown): Promise<Response> {
  return fetch(`${api}/tokens/generate`, {
    method: 'POST',
    headers: body === undefined ? bearer(secret) : jsonHeaders(secret),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function refresh(token: string): Promise<Response> {
  return fetch(`${api}/tokens/refresh`, { method: 'POST', headers: bearer(token) });
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

async function activities(conv: Conversation): Promise<Record<string, unknown>[]> {
  const body = await http.json(await http.poll(conv));
  return Array.isArray(body.activities) ? body.activities : [];
}

async function identityExists(externalId: string): Promise<boolean> {
  return (
    (await web.runtime.db
      .collection<{ _id: string }>('identities')
      .countDocuments({ _id: `web:${externalId}` })) === 1
  );
}

describe('Direct Line identities, as with Microsoft’s enhanced authentication', () => {
  it('embeds the user given to tokens/generate in the token; activities are rewritten to it', async () => {
    const res = await generate({ user: { id: 'dl_alice-1234', name: 'Alice' } });
    expect(res.status).toBe(200);
    const { token, conversationId } = await http.json(res);
    expect(payloadOf(String(token))).toMatchObject({ user: 'dl_alice-1234', conv: conversationId });
    const conv = { conversationId: String(conversationId), token: String(token) };
    const posted = await http.post(conv, {
      type: 'event',
      name: 'start',
      value: '',
      from: { id: 'dl_mallory', name: 'Mallory' },
      channelData: { clientActivityID: 'wc-1' },
    });
    expect(posted.status).toBe(200);
    const all = await activities(conv);
    // The echo carries the bound user and Web Chat's own spelling of the client id.
    expect(all[0]).toMatchObject({
      from: { id: 'dl_alice-1234', name: 'Alice', role: 'user' },
      channelData: { clientActivityID: 'wc-1' },
    });
    const withButtons = all.find((a) => a.suggestedActions !== undefined);
    expect(withButtons).toMatchObject({
      recipient: { id: 'dl_alice-1234' },
      suggestedActions: { to: ['dl_alice-1234'] },
    });
    expect(await identityExists('dl_alice-1234')).toBe(true);
    expect(await identityExists('dl_mallory')).toBe(false);
  });

  it('binds a fresh dl_ user when none is given, and refuses a bad one', async () => {
    const { token } = await http.json(await generate());
    expect(payloadOf(String(token)).user).toMatch(/^dl_[\w-]{16}$/);
    for (const user of [
      { id: '' },
      { id: 'a b' },
      { id: 'x'.repeat(65) },
      { id: { $ne: 1 } },
      'me',
    ])
      expect((await generate({ user })).status).toBe(400);
    expect((await generate({ user: { id: 'fine' } })).status).toBe(200);
  });

  it('with the secret, the client’s from.id stands', async () => {
    const started = await fetch(`${api}/conversations`, {
      method: 'POST',
      headers: bearer(secret),
    });
    expect(started.status).toBe(201);
    const { conversationId, token } = await http.json(started);
    expect(payloadOf(String(token)).user).toBeUndefined();
    const bySecret = { conversationId: String(conversationId), token: secret };
    const posted = await http.post(bySecret, {
      type: 'event',
      name: 'start',
      value: '',
      from: { id: 'operator-user-7' },
    });
    expect(posted.status).toBe(200);
    const all = await activities(bySecret);
    expect(all[0]).toMatchObject({ from: { id: 'operator-user-7', role: 'user' } });
    expect(all.find((a) => a.suggestedActions)).toMatchObject({
      suggestedActions: { to: ['operator-user-7'] },
    });
    expect(await identityExists('operator-user-7')).toBe(true);
    expect((await http.post(bySecret, { type: 'message', text: 'hi' })).status).toBe(400);
    // A token of an unbound conversation may not claim a dl_ id: those are bound in tokens.
    const byToken = { conversationId: String(conversationId), token: String(token) };
    const forged = await http.post(byToken, {
      type: 'message',
      text: 'x',
      from: { id: 'dl_alice-1234' },
    });
    expect(forged.status).toBe(400);
  });

  it('a refreshed token replaces the old one, everywhere', async () => {
    const { token, conversationId } = await http.json(await generate());
    const old = { conversationId: String(conversationId), token: String(token) };
    expect((await http.poll(old)).status).toBe(200);
    const refreshed = await refresh(old.token);
    expect(refreshed.status).toBe(200);
    const renewed = { ...old, token: String((await http.json(refreshed)).token) };
    expect(payloadOf(renewed.token)).toMatchObject({ gen: 1, user: payloadOf(old.token).user });
    expect((await http.poll(renewed)).status).toBe(200);
    expect((await http.poll(old)).status).toBe(403);
    expect((await http.post(old, { type: 'message', text: 'hi' })).status).toBe(403);
    expect((await refresh(old.token)).status).toBe(403);
    const stream = await socketStatus(old);
    expect(stream).toBe(403);
    expect(await socketStatus(renewed)).toBe(101);
    // Reconnecting hands back the caller's own token, never a second valid one.
    const reconnect = await fetch(`${api}/conversations/${old.conversationId}`, {
      headers: bearer(renewed.token),
    });
    expect((await http.json(reconnect)).token).toBe(renewed.token);
  });

  it('an expired token cannot be renewed through tokens/refresh', async () => {
    const conv = await http.open();
    const found = await web.runtime.directLine.findConversation(conv.conversationId);
    const expired = tokenSignerFor(secret).sign(
      {
        conversationId: conv.conversationId,
        userId: found?.userId,
        generation: found?.tokenGeneration ?? 0,
      },
      new Date(Date.now() - 3_700_000),
    );
    expect((await refresh(expired)).status).toBe(403);
    expect((await refresh(conv.token)).status).toBe(200);
  });

  it('the page’s session resumes with its previous token (expired up to 30 days, one renewal back)', async () => {
    const conv = await http.open();
    const first = conv.token;
    const user = payloadOf(first).user;
    const renew = async (token: string) => http.session(token);
    const second = await renew(first);
    expect(second.status).toBe(200);
    const secondToken = String((await http.json(second)).token);
    // The answer to that renewal was lost: the page comes back with the first token, once.
    const again = await renew(first);
    expect(again.status).toBe(200);
    const third = String((await http.json(again)).token);
    expect(payloadOf(third)).toMatchObject({ conv: conv.conversationId, user });
    // Two renewals back: refused, so a copied token opens nothing for long.
    expect((await renew(first)).status).toBe(403);
    expect((await renew(secondToken)).status).toBe(200);
    // Same user across renewals: the person stays the same participant.
    const found = await web.runtime.directLine.findConversation(conv.conversationId);
    expect(found?.userId).toBe(user);
    // Direct Line conversations do not resume here.
    const { token } = await http.json(await generate());
    expect((await renew(String(token))).status).toBe(403);
  });

  it('the page’s tokens of before JWTs still resume, as tokens of generation 0', async () => {
    const conv = await http.open();
    // As the earlier release signed them: base64url(json).base64url(hmac), same derived key.
    const derived = createHmac('sha256', secret).update('concerto directline tokens').digest('hex');
    const expiredADayAgo = Math.floor(Date.now() / 1000) - 86_400;
    const payload = Buffer.from(
      JSON.stringify({ conversationId: conv.conversationId, iat: 1, exp: expiredADayAgo }),
    ).toString('base64url');
    const legacy = `${payload}.${createHmac('sha256', derived).update(payload).digest('base64url')}`;
    expect(tokenSignerFor(secret).verify(legacy, new Date()).ok).toBe(false);
    const resumed = await http.session(legacy);
    expect(resumed.status).toBe(200);
    expect(await http.json(resumed)).toMatchObject({
      conversationId: conv.conversationId,
      resumed: true,
    });
    // Generation 0 is now the previous one: once more, then refused like any older token.
    expect((await http.session(legacy)).status).toBe(200);
    expect((await http.session(legacy)).status).toBe(403);
    // Only at the session endpoint: Direct Line itself takes JWTs only.
    expect((await http.poll(conv, '', legacy)).status).toBe(401);
  });
});

async function socketStatus(conv: Conversation): Promise<number> {
  const info = await fetch(`${api}/conversations/${conv.conversationId}`, {
    headers: bearer(conv.token),
  });
  const url =
    info.status === 200
      ? String((await http.json(info)).streamUrl)
      : `ws://127.0.0.1:${web.port}/v3/directline/conversations/${conv.conversationId}/stream?t=${encodeURIComponent(conv.token)}`;
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(-1));
  });
}
