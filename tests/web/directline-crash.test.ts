import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { directLineHttp } from './directline-http.js';
import { WebServerProcess } from './web-server-process.js';

const secret = 'crash-test-directline-secret-0123456789';
let client: MongoClient;
const started: WebServerProcess[] = [];
const databases: Db[] = [];

beforeAll(async () => {
  client = new MongoClient(inject('mongoUri'));
  await client.connect();
});

afterAll(async () => {
  for (const server of started) await server.stop();
  for (const db of databases) await db.dropDatabase().catch(() => undefined);
  await client?.close();
});

async function serve(
  kind: 'serve' | { dieAfterTurn: number; at: 'turn' | 'replies' },
  db: Db,
): Promise<WebServerProcess> {
  const env = { MONGODB_DB: db.databaseName, DIRECTLINE_SECRET: secret, LOG_LEVEL: 'info' };
  const server = new WebServerProcess(kind, env);
  started.push(server);
  await server.ready();
  return server;
}

describe.each([
  ['the commit of a turn and the Direct Line write of its replies', 'turn'],
  ['the write of the replies and the move of the seq that shows them', 'replies'],
] as const)('a crash between %s', (_, at) => {
  it('loses no reply: the retried message gets the replies of its turn, exactly once', async () => {
    // Turn 1 is the start event; the process dies during turn 2 (consent), once committed.
    const db = client.db(`crash_${randomBytes(6).toString('hex')}`);
    databases.push(db);
    const dying = await serve({ dieAfterTurn: 2, at }, db);
    const first = directLineHttp(dying.baseUrl);
    const conv = await first.open();
    const welcome = await first.say(conv, { type: 'event', name: 'start', value: '' });
    expect(welcome.length).toBeGreaterThan(0);
    const clientActivityId = `page-consent-${at}`;
    const consent = {
      type: 'message',
      value: { promptId: '_consent', choiceId: 'yes' },
      channelData: { clientActivityId },
    };
    await expect(first.post(conv, consent)).rejects.toThrow();
    expect(await dying.exited).toBe('SIGKILL');

    // The turn is committed; a page polling now does not see its replies.
    const participants = db.collection<{ _id: string; version: number }>('participants');
    const participant = await participants.findOne({ version: 2 });
    expect(participant).toMatchObject({ consent: { textVersion: expect.any(String) } });
    const replyKeys = () =>
      db
        .collection<{ _id: string; key?: string }>('dl_activities')
        .find({ conversationId: conv.conversationId, key: { $regex: `^r:${clientActivityId}:` } })
        .toArray();
    expect((await replyKeys()).length > 0).toBe(at === 'replies');

    // The real server, restarted on the same data; the page sends the same message again.
    const serving = await serve('serve', db);
    const again = directLineHttp(serving.baseUrl);
    const replies = await again.say(conv, consent);
    expect(replies.map((r) => r.text).join('\n')).toMatch(/Merci/);
    const written = await replyKeys();
    expect(written).toHaveLength(replies.length);
    expect(new Set(written.map((doc) => doc.key)).size).toBe(replies.length);

    // Once: a third try writes nothing, the turn was not run again, the echo is there once.
    const before = await db.collection('dl_activities').countDocuments({});
    expect((await again.post(conv, consent)).status).toBe(200);
    expect(await db.collection('dl_activities').countDocuments({})).toBe(before);
    expect(await participants.findOne({ _id: participant!._id })).toMatchObject({ version: 2 });
    const polled = await again.json(await again.poll(conv));
    const activities: { id?: string; channelData?: { clientActivityId?: string } }[] =
      Array.isArray(polled.activities) ? polled.activities : [];
    const echoes = activities.filter((a) => a.channelData?.clientActivityId === clientActivityId);
    expect(echoes).toHaveLength(1);
    const ids = activities.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);

    // And the conversation goes on on the restarted server.
    const next = await again.say(conv, { type: 'message', text: 'je ne sais pas' });
    expect(next.length).toBeGreaterThan(0);
    await serving.stop();
  }, 180_000);
});
