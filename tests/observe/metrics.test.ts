// /metrics is prom-client's exposition: turns by channel and outcome, the turn-latency
// histogram, database command latency from the driver's monitoring, Telegram 429s, the
// counters channels declare, process metrics; /readyz waits for the data migrations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { collections } from '../../storage/collections.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import {
  seededDatabase,
  startTelegramBot,
  type BotUnderTest,
} from '../telegram/start-telegram-bot.js';
import { directLineHttp } from '../web/directline-http.js';
import { startWebServer, type WebServer } from '../web/start-web-server.js';

/** The value of one sample line of the exposition (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('/metrics and /readyz on the web channel', () => {
  let web: WebServer;

  beforeAll(async () => {
    web = await startWebServer();
  });

  afterAll(async () => {
    await web?.stop();
  });

  it('counts and times web turns, times database commands, has process metrics', async () => {
    const before = await scrape(web.baseUrl);
    expect(sample(before, 'concerto_turns_total', 'channel="web",outcome="ok"')).toBeUndefined();
    const dl = directLineHttp(web.baseUrl);
    const conversation = await dl.open();
    await dl.say(conversation, { type: 'event', name: 'start', value: '' });
    await dl.say(conversation, { type: 'message', text: 'oui' });
    const after = await scrape(web.baseUrl);
    expect(sample(after, 'concerto_turns_total', 'channel="web",outcome="ok"')).toBe(2);
    expect(sample(after, 'concerto_turn_duration_seconds_count', 'channel="web"')).toBe(2);
    expect(sample(after, 'concerto_turn_duration_seconds_bucket', 'le="10",channel="web"')).toBe(2);
    expect(
      sample(after, 'concerto_db_command_duration_seconds_count', 'command="update",outcome="ok"'),
    ).toBeGreaterThan(0);
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Nothing a person wrote, no conversation id, reaches the metrics.
    expect(after).not.toContain(conversation.conversationId);
    expect(after).not.toMatch(/"oui"/);
  });

  it('gauges the Direct Line streams open', async () => {
    const dl = directLineHttp(web.baseUrl);
    const conversation = await dl.open();
    const info = await dl.json(
      await fetch(`${web.baseUrl}/v3/directline/conversations/${conversation.conversationId}`, {
        headers: { authorization: `Bearer ${conversation.token}` },
      }),
    );
    const ws = new WebSocket(String(info.streamUrl));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    expect(sample(await scrape(web.baseUrl), 'concerto_directline_streams_open')).toBe(1);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
    // The server sees the close a moment after the client: the gauge is read at each scrape.
    for (let i = 0; i < 50; i += 1) {
      if (sample(await scrape(web.baseUrl), 'concerto_directline_streams_open') === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sample(await scrape(web.baseUrl), 'concerto_directline_streams_open')).toBe(0);
  });

  it('answers /readyz 503 while a migration of this version is not recorded as done', async () => {
    // A fresh handler remembers nothing: migrations are read again.
    const migrations = collections(web.runtime.db).migrations;
    const [record] = await migrations.find().toArray();
    expect(record?.finishedAt).toBeInstanceOf(Date);
    const fresh = await startWebServer({ MONGODB_DB: web.runtime.db.databaseName });
    try {
      await migrations.updateOne({ _id: record!._id }, { $unset: { finishedAt: '' } });
      const pending = await fetch(`${fresh.baseUrl}/readyz`);
      expect(pending.status).toBe(503);
      expect(await pending.json()).toMatchObject({ database: 'up', migrations: 'pending' });
      await migrations.updateOne({ _id: record!._id }, { $set: { finishedAt: new Date() } });
      const ready = await fetch(`${fresh.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ database: 'up', migrations: 'done' });
      expect((await fetch(`${fresh.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });
});

describe('/metrics on the Telegram webhook', () => {
  let fake: FakeTelegramApi;
  let database: TestDatabase;
  let bot: BotUnderTest;

  beforeAll(async () => {
    fake = await FakeTelegramApi.start();
    database = await seededDatabase();
    bot = await startTelegramBot({ fake, mode: 'webhook', database });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await database?.drop();
  });

  it('counts Telegram turns, updates and every 429 the Bot API answered', async () => {
    const chat = bot.chat({ id: 4101 });
    fake.failNext('sendMessage', 2, 429);
    await chat.send('/start RBX7KQ');
    chat.expectReply(/conseil citoyen/i);
    await chat.send('/start RBX7KQ');
    const text = await scrape(bot.baseUrl);
    expect(sample(text, 'concerto_turns_total', 'channel="telegram",outcome="ok"')).toBe(2);
    expect(sample(text, 'concerto_telegram_updates_total')).toBe(2);
    expect(sample(text, 'concerto_telegram_rate_limited_total')).toBe(2);
    expect(sample(text, 'concerto_errors_total', 'kind="database"')).toBeUndefined();
  });
});
