// SIGTERM of `concerto serve` (1) under load from the web page's Direct Line and the Telegram
// webhook, then a restart: the process exits 0 within 10 s, the turns in flight finish and are
// answered, and after the restart nothing is lost or doubled; (2) with a slow client holding an
// incomplete body, a kept-alive idle connection and an open WebSocket: still an exit within 10 s.
import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { faultEnv, webhookSecret } from './fault-env.js';
import {
  ackCounter,
  DirectLineResident,
  TelegramResident,
  runResidents,
  totals,
  type Audit,
} from './residents.js';
import { ServeProcess } from './serve-process.js';

let fake: FakeTelegramApi;
let client: MongoClient;
const dbs: string[] = [];
let serve: ServeProcess | undefined;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  client = await new MongoClient(inject('mongoUri')).connect();
}, 60_000);

afterAll(async () => {
  await serve?.crash();
  for (const name of dbs)
    await client
      ?.db(name)
      .dropDatabase()
      .catch(() => undefined);
  await client?.close();
  await fake?.close();
});

describe('SIGTERM', () => {
  it('under load: exits 0 within 10 s, and after a restart nothing is lost or doubled', async () => {
    const { env, baseUrl } = await faultEnv(inject('mongoUri'), fake, 'sigterm');
    dbs.push(env.MONGODB_DB ?? '');
    serve = new ServeProcess(env);
    await serve.ready;
    const web = [1, 2, 3].map((n) => new DirectLineResident(baseUrl, `web-${n}`));
    const telegram = [1, 2, 3].map(
      (n) => new TelegramResident(baseUrl, fake, webhookSecret, 7000 + n),
    );
    const acks = ackCounter();
    const run = runResidents([...web, ...telegram], () => acks.onAck());
    await acks.atLeast(18);
    const exit = await serve.stop('SIGTERM');
    const output = serve.output;
    serve = new ServeProcess(env);
    await serve.ready;
    await run.done;
    const db = client.db(env.MONGODB_DB);
    const audits: Audit[] = [];
    for (const resident of [...web, ...telegram]) audits.push(await resident.audit(db));
    const sum = totals(audits);
    const shown = JSON.stringify({ exit, sum, audits }, null, 1);
    console.log(`sigterm-under-load: ${shown}`);
    expect(exit, output).toMatchObject({ code: 0, signal: null });
    expect(exit.ms, shown).toBeLessThan(10_000);
    expect(output).not.toMatch(/stop hook (failed|did not finish)/);
    expect(sum.acknowledged).toBe(6 * 12);
    expect(sum.lostAnswers, shown).toBe(0);
    expect(sum.duplicateAnswers, shown).toBe(0);
    expect(sum.doubledMessages, shown).toBe(0);
    expect(sum.lostReplies, shown).toBe(0);
    expect(sum.doubledReplies, shown).toBe(0);
  }, 180_000);

  it('with a slow client, an idle kept-alive connection and a WebSocket: exits within 10 s', async () => {
    const { env, port, baseUrl } = await faultEnv(inject('mongoUri'), fake, 'slow');
    dbs.push(env.MONGODB_DB ?? '');
    serve = new ServeProcess(env);
    await serve.ready;
    // A conversation with its stream open, as the page holds it.
    const session = await fetch(`${baseUrl}/web/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(session.status).toBe(200);
    const token = String(Reflect.get(Object(await session.json()), 'token'));
    const started = await fetch(`${baseUrl}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const streamUrl = String(Reflect.get(Object(await started.json()), 'streamUrl'));
    const socket = new WebSocket(streamUrl);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const wsClosed = new Promise<number>((resolve) =>
      socket.once('close', (code) => resolve(code)),
    );
    // Headers promising a body that never comes, and a kept-alive connection after one answer.
    const slow = connect(port, '127.0.0.1');
    const slowClosed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('error', () => undefined);
    slow.write(
      'POST /web/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":',
    );
    const idle = connect(port, '127.0.0.1');
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    idle.on('error', () => undefined);
    const firstAnswer = new Promise<void>((resolve) => idle.once('data', () => resolve()));
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await firstAnswer;
    const exit = await serve.stop('SIGTERM');
    console.log(`sigterm-slow-client: ${JSON.stringify(exit)}`);
    expect(exit, serve.output).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    await Promise.all([slowClosed, idleClosed]);
    // Closed by the server with a reason, not dropped (1006 is "no close frame").
    expect(await wsClosed).not.toBe(1006);
  }, 120_000);
});
