import { Api, GrammyError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryTransformer } from '../../bot/telegram/retry-transformer.js';
import { throttleTransformer } from '../../bot/telegram/throttle-transformer.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

let fake: FakeTelegramApi;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
});

afterAll(async () => {
  await fake?.close();
});

function api(): Api {
  return new Api(fake.token, { apiRoot: fake.apiRoot });
}

describe('throttle', () => {
  it('lets a short burst through, then paces one chat without holding up another', async () => {
    const client = api();
    client.config.use(
      throttleTransformer({ globalPerSecond: 1000, perChatBurst: 2, perChatIntervalMs: 200 }),
    );
    const started = performance.now();
    const mark = fake.calls.length;
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => client.sendMessage(11, `one ${i}`)),
      client.sendMessage(12, 'other'),
    ]);
    const times = (chat: number) =>
      fake.calls
        .slice(mark)
        .filter((c) => c.params.chat_id === chat)
        .map((c) => c.at - started);
    const one = times(11);
    // Sent at once: the burst of two, and the other chat. Then one per 200 ms.
    expect(one[2]).toBeGreaterThanOrEqual(195);
    expect(one[3]).toBeGreaterThanOrEqual(395);
    expect(times(12)[0]).toBeLessThan(one[2] ?? 0);
  });
});

describe('retry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 5_000 };

  function retrying(waits: number[]): Api {
    const client = api();
    client.config.use(retryTransformer(policy, async (ms) => void waits.push(ms)));
    return client;
  }

  it('waits retry_after on a 429 and tries again', async () => {
    const waits: number[] = [];
    fake.failNext('sendMessage', 1, 429);
    const mark = fake.calls.length;
    await retrying(waits).sendMessage(21, 'hello');
    expect(waits).toEqual([1000]);
    expect(fake.calls.slice(mark).filter((c) => c.method === 'sendMessage')).toHaveLength(2);
  });

  it('backs off on 5xx, and gives up after the last attempt', async () => {
    const waits: number[] = [];
    fake.failNext('sendMessage', policy.maxAttempts, 500);
    await expect(retrying(waits).sendMessage(22, 'hello')).rejects.toBeInstanceOf(GrammyError);
    expect(waits).toEqual([10, 20, 40]);
  });

  it('does not retry a 403 (blocked): that is for the caller to handle', async () => {
    const waits: number[] = [];
    fake.block(23);
    await expect(retrying(waits).sendMessage(23, 'hello')).rejects.toMatchObject({
      error_code: 403,
    });
    expect(waits).toEqual([]);
  });
});
