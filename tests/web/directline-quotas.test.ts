import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnHandler } from '../../bot/handle-turn.js';
import { directLineQuotas } from '../../bot/web/directline-quotas.js';
import { directLineHttp, type Conversation } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const secret = 'quota-directline-secret-0123456789';
let web: WebServer;
let http: ReturnType<typeof directLineHttp>;
/** Set: the next turn fails (the database, a bug): the request gets a 5xx. */
let failNextTurn = false;

beforeAll(async () => {
  web = await startWebServer({ DIRECTLINE_SECRET: secret }, (runtime) => {
    const handleTurn: TurnHandler = async (identity, input, meta) => {
      if (!failNextTurn) return runtime.handleTurn(identity, input, meta);
      failNextTurn = false;
      throw new Error('the database is gone');
    };
    return { ...runtime, handleTurn };
  });
  http = directLineHttp(web.baseUrl);
});

afterAll(async () => {
  await web?.stop();
});

/** A conversation from tokens/generate (no per-address limit: it takes the secret). */
async function conversation(): Promise<Conversation> {
  const res = await fetch(`${web.baseUrl}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}` },
  });
  const body = await http.json(res);
  return { conversationId: String(body.conversationId), token: String(body.token) };
}

async function streamOf(conv: Conversation): Promise<{ ws: WebSocket; status: number }> {
  const info = await http.json(
    await fetch(`${web.baseUrl}/v3/directline/conversations/${conv.conversationId}`, {
      headers: { authorization: `Bearer ${conv.token}` },
    }),
  );
  const ws = new WebSocket(String(info.streamUrl));
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => resolve(-1));
  });
  return { ws, status };
}

const closed = (ws: WebSocket) =>
  ws.readyState === ws.CLOSED
    ? Promise.resolve()
    : new Promise<void>((resolve) => ws.once('close', () => resolve()));

describe('/metrics counts the web channel', () => {
  it('turns, refusals and failures', async () => {
    const conv = await conversation();
    await http.say(conv, { type: 'event', name: 'start', value: '' });
    expect((await http.post(conv, { type: 'message', value: { $where: 1 } })).status).toBe(400);
    failNextTurn = true;
    expect((await http.post(conv, { type: 'message', text: 'oui' })).status).toBe(500);
    const text = await (await fetch(`${web.baseUrl}/metrics`)).text();
    const value = (name: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(name))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    expect(value('concerto_web_turns_total')).toBeGreaterThanOrEqual(1);
    expect(value('concerto_web_rejected_total')).toBeGreaterThanOrEqual(1);
    expect(value('concerto_web_errors_total')).toBe(1);
  });
});

// Quotas are per minute and every request here comes from one address: the tests that use
// up the address's quota come last.
describe('Direct Line quotas', () => {
  it('stores text cut to the longest answer the questionnaire accepts, counted in code points', async () => {
    const conv = await conversation();
    const emoji = '😀'.repeat(700);
    const res = await http.post(conv, { type: 'message', text: emoji });
    expect(res.status).toBe(200);
    const { id } = await http.json(res);
    const echo = await web.runtime.db
      .collection<{ _id: string; activity: { text?: string } }>('dl_activities')
      .findOne({ _id: String(id) });
    const text = echo?.activity.text ?? '';
    // The 2017 consultation accepts free texts of 600 characters at most.
    expect([...text]).toHaveLength(601);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });
  it('keeps two streams per conversation: a third closes the oldest', async () => {
    const conv = await conversation();
    const first = await streamOf(conv);
    const second = await streamOf(conv);
    expect([first.status, second.status]).toEqual([101, 101]);
    const third = await streamOf(conv);
    expect(third.status).toBe(101);
    await closed(first.ws);
    expect(second.ws.readyState).toBe(WebSocket.OPEN);
    for (const s of [second, third]) s.ws.close();
    await Promise.all([closed(second.ws), closed(third.ws)]);
  });

  it('refuses streams past the quota per address with 429', async () => {
    const open: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < directLineQuotas.socketsPerAddress / 2 + 1 && refused === 0; i += 1) {
      const conv = await conversation();
      for (let j = 0; j < 2 && refused === 0; j += 1) {
        const { ws, status } = await streamOf(conv);
        if (status === 101) open.push(ws);
        else if (status === 429) refused += 1;
      }
    }
    expect(open.length).toBe(directLineQuotas.socketsPerAddress);
    expect(refused).toBe(1);
    for (const ws of open) ws.close();
    await Promise.all(open.map(closed));
  }, 60_000);

  it('limits activity posts per conversation (429 with Retry-After); others go on', async () => {
    const conv = await conversation();
    const statuses: number[] = [];
    for (let i = 0; i < directLineQuotas.postsPerConversation + 1; i += 1)
      statuses.push((await http.post(conv, { type: 'typing' })).status);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    const limited = await http.post(conv, { type: 'message', text: 'encore' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await http.json(limited)).toMatchObject({ error: { code: 'TooManyRequests' } });
    const other = await conversation();
    expect((await http.post(other, { type: 'typing' })).status).toBe(200);
    const metrics = await (await fetch(`${web.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^concerto_web_limited_total [1-9]/m);
  });

  it('limits activity posts per address, across conversations', async () => {
    const per = directLineQuotas.postsPerConversation - 1;
    let sent = 0;
    let limited: Response | undefined;
    while (!limited && sent <= directLineQuotas.postsPerAddress + per) {
      const conv = await conversation();
      for (let i = 0; i < per && !limited; i += 1) {
        const res = await http.post(conv, { type: 'typing' });
        sent += 1;
        if (res.status === 429) limited = res;
        else expect(res.status).toBe(200);
      }
    }
    expect(limited?.status).toBe(429);
    // The earlier test's posts come from the same address and count too.
    expect(sent).toBeLessThanOrEqual(directLineQuotas.postsPerAddress);
  }, 60_000);
});
