import { createHmac, randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { directLineHttp } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

/** A document of the release before, as it was stored (no schema of today applies). */
type Loose = { _id: string; [field: string]: unknown };
const secret = 'migration-directline-secret-0123456789';
const dbName = `dlmig_${randomBytes(6).toString('hex')}`;
const conversationId = 'OldConversation0123456789';
const userId = 'dl_oldUser012345';
const now = Date.now();
const minutesAgo = (n: number) => new Date(now - n * 60_000);
let client: MongoClient;
let db: Db;
let web: WebServer;

/** Direct Line as the release before 2026-12-02 stored it. */
async function seedOldStore(): Promise<void> {
  await db.collection<Loose>('dl_conversations').insertOne({
    _id: conversationId,
    userId,
    seq: 4,
    createdAt: minutesAgo(30),
    lastActivityAt: minutesAgo(5),
  });
  const activity = (seq: number, fields: Record<string, unknown>, at: Date) => ({
    _id: `${conversationId}|${String(seq).padStart(7, '0')}`,
    conversationId,
    seq,
    at,
    ...fields,
  });
  await db.collection<Loose>('dl_activities').insertMany([
    activity(
      1,
      { clientActivityId: 'older', processed: true, activity: { type: 'message', text: 'a' } },
      minutesAgo(60 * 24 * 10),
    ),
    activity(
      2,
      {
        clientActivityId: 'old-1',
        processed: true,
        activity: { type: 'message', text: 'oui', from: { id: userId, role: 'user' } },
      },
      minutesAgo(6),
    ),
    activity(
      3,
      { activity: { type: 'message', text: 'Merci !', from: { id: 'concerto', role: 'bot' } } },
      minutesAgo(6),
    ),
    activity(
      4,
      {
        clientActivityId: 'old-2',
        activity: { type: 'message', text: 'b', from: { id: userId, role: 'user' } },
      },
      minutesAgo(5),
    ),
  ]);
  await db.collection<Loose>('identities').insertOne({
    _id: `web:${userId}`,
    channel: 'web',
    externalId: userId,
    participantId: 'p-old',
    createdAt: minutesAgo(30),
  });
  await db.collection<Loose>('participants').insertOne({
    _id: 'p-old',
    consent: { at: minutesAgo(6), textVersion: 'v1' },
  });
}

beforeAll(async () => {
  client = new MongoClient(inject('mongoUri'));
  await client.connect();
  db = client.db(dbName);
  await seedOldStore();
  // Starting the server runs the migrations on this database.
  web = await startWebServer({ DIRECTLINE_SECRET: secret, MONGODB_DB: dbName });
});

afterAll(async () => {
  await web?.stop();
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
});

describe('Direct Line data of the release before, after the migration', () => {
  it('conversations get their new fields; recent client ids a record each', async () => {
    expect(await db.collection('dl_conversations').findOne({})).toMatchObject({
      origin: 'page',
      tokenGeneration: 0,
      consented: true,
      preConsent: [],
    });
    const records = await db.collection('dl_client_ids').find({}).sort({ _id: 1 }).toArray();
    expect(records).toEqual([
      expect.objectContaining({ _id: `${conversationId}|old-1`, after: 1, done: true }),
      expect.objectContaining({ _id: `${conversationId}|old-2`, after: 3 }),
    ]);
    expect(records[1]).not.toHaveProperty('done');
    expect(
      await db.collection<Loose>('dl_activities').findOne({ _id: `${conversationId}|0000002` }),
    ).toMatchObject({ key: 'c:old-1' });
  });

  it('the page comes back with its old token; a message it retries is not doubled', async () => {
    const dl = directLineHttp(web.baseUrl);
    const derived = createHmac('sha256', secret).update('concerto directline tokens').digest('hex');
    const payload = Buffer.from(
      JSON.stringify({ conversationId, iat: 1, exp: Math.floor(now / 1000) - 60 }),
    ).toString('base64url');
    const legacy = `${payload}.${createHmac('sha256', derived).update(payload).digest('base64url')}`;
    const resumed = await dl.session(legacy);
    expect(resumed.status).toBe(200);
    const token = String((await dl.json(resumed)).token);
    const conv = { conversationId, token };
    const before = await db.collection('dl_activities').countDocuments({});
    const retried = await dl.post(conv, {
      type: 'message',
      text: 'oui',
      channelData: { clientActivityId: 'old-1' },
    });
    expect(retried.status).toBe(200);
    expect((await dl.json(retried)).id).toBe(`${conversationId}|0000002`);
    expect(await db.collection('dl_activities').countDocuments({})).toBe(before);
    const polled = await dl.json(await dl.poll(conv, '1'));
    expect(Array.isArray(polled.activities) ? polled.activities.length : 0).toBe(3);
  });
});
