// SIGTERM of `concerto serve` (1) under load from the web page's Direct Line and the Telegram
// webhook, then a restart: the process exits 0 within 10 s, the turns in flight finish and are
// answered, and after the restart nothing is lost or doubled; (2) with a slow client holding an
// incomplete body, a kept-alive idle connection and an open WebSocket: still an exit within 10 s.
import { connect } from 'node:net';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { faultRig } from './fault-env.js';
import { ackCounter, auditAll, runResidents, totals } from './residents.js';
import { ServeProcess } from '../helpers/serve-process.js';

const rig = faultRig();

describe('SIGTERM', () => {
  it('under load: exits 0 within 10 s, and after a restart nothing is lost or doubled', async () => {
    const { env, baseUrl } = await rig.environment('sigterm');
    rig.serve = new ServeProcess(env);
    await rig.serve.ready;
    const { web, telegram } = rig.residents(baseUrl, 7000);
    const acks = ackCounter();
    const run = runResidents([...web, ...telegram], () => acks.onAck());
    await acks.atLeast(18);
    const exit = await rig.serve.stop('SIGTERM');
    const output = rig.serve.output;
    rig.serve = new ServeProcess(env);
    await rig.serve.ready;
    await run.done;
    const audits = await auditAll([...web, ...telegram], rig.client.db(env.MONGODB_DB));
    // The restarted process is done with: the next test starts its own (and the rig stops only
    // the last one it was given).
    await rig.serve.stop('SIGTERM');
    rig.serve = undefined;
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
    const { env, port, baseUrl } = await rig.environment('slow');
    const serve = new ServeProcess(env);
    rig.serve = serve;
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
