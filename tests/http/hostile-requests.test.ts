// The requests that used to end the process (issue 13, critical), and their relatives, sent
// byte for byte to the real server: each gets a 4xx, and the server keeps answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { rawRequest } from './raw-request.js';
import { startFullServer, type FullServer } from './start-full-server.js';

let fake: FakeTelegramApi;
let server: FullServer;
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  fake = await FakeTelegramApi.start();
  server = await startFullServer(fake);
});

afterAll(async () => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
  await server?.stop();
  await fake?.close();
});

const alive = async () => (await fetch(`${server.baseUrl}/healthz`)).status;

const targets = ['//', '///', '//a:b', '//%', '/\\', '//a:b/c?d', '/static/%', '/c/%E0%A4%A', '*'];
const upgrade =
  'connection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('hostile request targets', () => {
  it.each(targets)(
    '%s as GET, POST and WebSocket upgrade: a 4xx, and the server lives',
    async (target) => {
      const get = await rawRequest(
        server.port,
        `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
      );
      const post = await rawRequest(
        server.port,
        `POST ${target} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`,
      );
      const up = await rawRequest(
        server.port,
        `GET ${target} HTTP/1.1\r\nhost: x\r\n${upgrade}\r\n`,
      );
      for (const answer of [get, post, up]) {
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
        expect(answer.status, answer.text).toBeLessThan(500);
      }
      expect(await alive()).toBe(200);
      expect(uncaught).toEqual([]);
    },
  );

  it('absolute-form targets are read as URLs; a broken one is a 400', async () => {
    const broken = await rawRequest(
      server.port,
      'GET http://a:b/x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
    );
    expect(broken.status).toBe(400);
    const fine = await rawRequest(
      server.port,
      `GET http://127.0.0.1:${server.port}/healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
    );
    expect(fine.status).toBe(200);
  });
});

describe('malformed HTTP itself', () => {
  it('garbage, a header flood, a bad header and a bad chunk: 400 or 431, never the process', async () => {
    expect((await rawRequest(server.port, 'HELLO\r\n\r\n')).status).toBe(400);
    const flood = `GET / HTTP/1.1\r\nhost: x\r\nx-a: ${'a'.repeat(70_000)}\r\n\r\n`;
    expect((await rawRequest(server.port, flood)).status).toBe(431);
    const many = Array.from({ length: 3000 }, (_, i) => `x-h${i}: 1\r\n`).join('');
    const manyAnswer = await rawRequest(
      server.port,
      `GET /healthz HTTP/1.1\r\nhost: x\r\n${many}\r\n`,
    );
    expect([200, 400, 431]).toContain(manyAnswer.status);
    expect((await rawRequest(server.port, 'GET / HTTP/1.1\r\nbad header\r\n\r\n')).status).toBe(
      400,
    );
    const chunk = await rawRequest(
      server.port,
      'POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
    );
    expect(chunk.status).toBe(400);
    expect(await alive()).toBe(200);
    expect(uncaught).toEqual([]);
  });

  it('a body cut off mid-way: the request is dropped, not failed, and the server lives', async () => {
    await rawRequest(
      server.port,
      'POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"tok',
      { endAfterWrite: true, timeoutMs: 500 },
    );
    expect(await alive()).toBe(200);
    expect(server.metrics.render()).not.toMatch(/status="5xx"/);
    expect(uncaught).toEqual([]);
  });

  it('a body over the limit gets 413, whatever it says about its length', async () => {
    const big = JSON.stringify({ token: 'x'.repeat(10_000) });
    const declared = await rawRequest(
      server.port,
      `POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${big.length}\r\nconnection: close\r\n\r\n${big}`,
    );
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(
      server.port,
      `POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
  });
});

describe('content types', () => {
  it('are read whatever their case and parameters', async () => {
    for (const type of [
      'Application/JSON; charset=UTF-8',
      'APPLICATION/JSON',
      'application/json',
    ]) {
      const res = await fetch(`${server.baseUrl}/web/session`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{}',
      });
      expect(res.status, type).toBe(200);
    }
    for (const type of ['text/plain', 'application/jsonx', 'text/plain; x=application/json']) {
      const res = await fetch(`${server.baseUrl}/web/session`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{}',
      });
      expect(res.status, type).toBe(415);
    }
  });
});

describe('/metrics', () => {
  it('counts web errors by route: 4xx here, and would count 5xx the same way', async () => {
    await fetch(`${server.baseUrl}/no-such-page`);
    await fetch(`${server.baseUrl}/web/session`, { method: 'POST', body: 'x' });
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(text).toMatch(/concerto_http_errors_total\{route="unmatched",status="4xx"\} \d+/);
    expect(text).toMatch(/concerto_http_errors_total\{route="\/web\/session",status="4xx"\} \d+/);
    expect(text).toMatch(/concerto_http_client_errors_total\{code="HPE_/);
  });
});
