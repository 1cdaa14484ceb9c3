import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { directLineHttp } from './directline-http.js';
import { WebServerProcess } from './web-server-process.js';

const dbName = `logs_${randomBytes(6).toString('hex')}`;
const marker = 'Zq7-what-the-resident-wrote';
let client: MongoClient;
let server: WebServerProcess;

beforeAll(async () => {
  client = new MongoClient(inject('mongoUri'));
  await client.connect();
  server = new WebServerProcess('serve', { MONGODB_DB: dbName, LOG_LEVEL: 'trace' });
  await server.ready();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await client
    .db(dbName)
    .dropDatabase()
    .catch(() => undefined);
  await client?.close();
});

describe('the server logs nothing a person wrote, at any level', () => {
  it('through turns, refused input and a failing turn', async () => {
    const dl = directLineHttp(server.baseUrl);
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    await dl.say(conv, { type: 'message', text: `${marker} before consent` });
    await dl.say(conv, { type: 'message', value: { promptId: '_consent', choiceId: 'yes' } });
    await dl.say(conv, { type: 'message', text: `${marker} after consent` });
    const url = `${server.baseUrl}/v3/directline/conversations/${conv.conversationId}/activities`;
    const post = (body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${conv.token}` },
        body,
      });
    for (const body of [
      JSON.stringify({ type: 'message', value: { [`$${marker}`]: marker } }),
      JSON.stringify({ type: 'message', text: `${marker}${'x'.repeat(4000)}` }),
      JSON.stringify({ type: 'event', name: marker, value: marker }),
      `{"type":"message","text":"${marker}`,
    ])
      expect((await post(body)).status).toBeLessThan(500);
    // A turn that fails: the participant's stored state no longer reads (a corrupt document,
    // written as a new version so that the process does not trust the copy it committed).
    const db = client.db(dbName);
    await db
      .collection<{ _id: string }>('participants')
      .updateMany(
        {},
        { $set: { 'state.answers': `${marker} in a corrupt document` }, $inc: { version: 1 } },
      );
    const failed = await dl.post(conv, { type: 'message', text: `${marker} when it fails` });
    expect(failed.status).toBe(500);
    await vi.waitUntil(() => /"level":50.*request failed/.test(server.output), { timeout: 5000 });
    expect(server.output).toMatch(/"level":50.*request failed/); // the failure was logged…
    expect(server.output).not.toContain(marker); // …and none holds what was written
  }, 120_000);
});
