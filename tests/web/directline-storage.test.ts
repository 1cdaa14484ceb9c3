import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DirectLineRepository, activityId } from '../../storage/directline-repository.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { directLineHttp } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const t0 = new Date('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const dl = (text: string) => ({ activity: { type: 'message', text } });

describe('Direct Line storage (one real server)', () => {
  let test: TestDatabase;
  let repo: DirectLineRepository;

  beforeAll(async () => {
    test = await useTestDatabase();
    repo = new DirectLineRepository(test.db);
  });

  afterAll(async () => {
    await test?.drop();
  });

  it('numbers activities, shows them once the seq moves past them, skips numbers taken', async () => {
    const c = await repo.createConversation({ origin: 'page' }, t0);
    expect(c.userId).toMatch(/^dl_[\w-]{16}$/);
    const first = await repo.insertFrom(c._id, 1, [dl('a'), dl('b')], t0);
    expect(first.map((a) => a._id)).toEqual([activityId(c._id, 1), activityId(c._id, 2)]);
    // Not visible before advance: a reader only goes up to the conversation's seq.
    expect((await repo.findConversation(c._id, t0))?.seq).toBe(0);
    await repo.advance(c._id, 2, t0);
    // Another writer that read a stale seq skips the numbers taken and keeps its order.
    const raced = await repo.insertFrom(c._id, 2, [dl('c'), dl('d')], t0);
    expect(raced.map((a) => a.seq)).toEqual([3, 4]);
    await repo.advance(c._id, 4, t0);
    await repo.advance(c._id, 3, t0); // never back
    const found = await repo.activitiesBetween(c._id, 0, 4, t0);
    expect(found.map((a) => a.activity.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(found.map((a) => a.activity.id)).toEqual(found.map((a) => a._id));
    expect((await repo.findConversation(c._id, t0))?.seq).toBe(4);
  });

  it('skips activities forgotten or expired, and repairs the seq of a writer that died', async () => {
    const c = await repo.createConversation({ origin: 'page' }, t0);
    await repo.append(c._id, [dl('1'), { ...dl('2'), expiresAt: at(60) }, dl('3')], t0);
    await repo.deleteActivities(c._id, [3]);
    expect((await repo.activitiesBetween(c._id, 0, 3, at(61))).map((a) => a.seq)).toEqual([1]);
    expect((await repo.activitiesBetween(c._id, 0, 3, at(59))).map((a) => a.seq)).toEqual([1, 2]);
    // A writer inserted 4 and 5, then died before moving the seq.
    await repo.insertFrom(c._id, 4, [dl('4'), dl('5')], t0);
    const stale = await repo.findConversation(c._id, t0);
    expect(stale?.seq).toBe(3);
    expect(await repo.repairLag(stale!, t0)).toBe(5);
    expect((await repo.findConversation(c._id, t0))?.seq).toBe(5);
  });

  it('claims a client id once; forgetting an activity forgets its client id', async () => {
    const c = await repo.createConversation({ origin: 'page' }, t0);
    const record = {
      conversationId: c._id,
      clientActivityId: 'page-1',
      after: 0,
      at: t0,
      expiresAt: at(60),
    };
    expect(await repo.claimClientActivity(record)).toEqual({ fresh: true });
    expect(await repo.claimClientActivity({ ...record, after: 7 })).toMatchObject({
      fresh: false,
      claimed: { after: 0 },
    });
    await repo.append(c._id, [{ ...dl('x'), key: 'c:page-1' }], t0);
    await repo.deleteActivities(c._id, [1]);
    expect(await test.db.collection('dl_client_ids').countDocuments({})).toBe(0);
    expect(await repo.claimClientActivity(record)).toEqual({ fresh: true });
  });

  it('ends a conversation: only the farewell stays, without the user, until it expires', async () => {
    const c = await repo.createConversation({ origin: 'page' }, t0);
    await repo.claimClientActivity({
      conversationId: c._id,
      clientActivityId: 'k',
      after: 0,
      at: t0,
      expiresAt: at(60),
    });
    await repo.append(c._id, [{ ...dl('mon adresse'), key: 'c:k' }, dl('noted')], t0);
    const seq = await repo.endConversation(
      (await repo.findConversation(c._id, t0))!,
      [dl('bye')],
      at(10),
      t0,
    );
    expect(seq).toBe(3);
    const left = await test.db
      .collection('dl_activities')
      .find({ conversationId: c._id })
      .toArray();
    expect(left.map((a) => a.activity.text)).toEqual(['bye']);
    expect(left[0]?.expiresAt).toEqual(at(10));
    expect(
      await test.db.collection('dl_client_ids').countDocuments({ conversationId: c._id }),
    ).toBe(0);
    const ended = await repo.findConversation(c._id, at(9));
    expect(ended).toMatchObject({ seq: 3, endedAt: t0 });
    expect(ended?.userId).toBeUndefined();
    expect(await repo.findConversation(c._id, at(10))).toBeNull();
    expect((await repo.conversationSeqs([c._id], at(10))).size).toBe(0);
  });

  it('moves a token generation once even when two renewals race', async () => {
    const c = await repo.createConversation({ origin: 'directline', user: null }, t0);
    expect(c.userId).toBeUndefined();
    const results = await Promise.all([
      repo.nextTokenGeneration(c._id, 0),
      repo.nextTokenGeneration(c._id, 0),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await repo.findConversation(c._id, t0))?.tokenGeneration).toBe(1);
  });

  it('FerretDB answers the activities $in from the _id index', async () => {
    const info = await test.db.command({ buildInfo: 1 });
    // MongoDB: `_id` lookups always use the _id index; FerretDB v1 only with our patch.
    if (!('ferretdb' in info)) return void expect(info.version).toMatch(/^\d/);
    const explained = await test.db.command({
      explain: { find: 'dl_activities', filter: { _id: { $in: ['a|0000001', 'a|0000002'] } } },
    });
    expect(explained).toMatchObject({ filterPushdown: true });
    const scan = await test.db.command({
      explain: { find: 'dl_activities', filter: { conversationId: 'a' } },
    });
    expect(scan).toMatchObject({ filterPushdown: false });
  });
});

/** Every filter a command on a dl_ collection carries. */
function filtersOf(event: CommandStartedEvent): Document[] {
  const c = event.command;
  switch (event.commandName) {
    case 'find':
    case 'count':
    case 'distinct':
      return [c.filter ?? c.query ?? {}];
    case 'update':
      return (c.updates ?? []).map((u: Document) => u.q);
    case 'delete':
      return (c.deletes ?? []).map((d: Document) => d.q);
    case 'findAndModify':
      return [c.query ?? {}];
    case 'aggregate':
      return [{ aggregate: true }];
    default:
      return [];
  }
}

/** `_id` equality (a string) or `_id: { $in: [strings] }`, other keys beside: an index lookup. */
function byId(filter: Document): boolean {
  const id = filter._id;
  if (typeof id === 'string') return true;
  return (
    typeof id === 'object' &&
    id !== null &&
    Object.keys(id).length === 1 &&
    Array.isArray(id.$in) &&
    id.$in.every((v: unknown) => typeof v === 'string')
  );
}

describe('the web channel reads and writes Direct Line by _id only', () => {
  let web: WebServer;
  let monitored: MongoClient;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    monitored = new MongoClient(inject('mongoUri'), { monitorCommands: true });
    await monitored.connect();
    monitored.on('commandStarted', (event) => {
      const target = event.command[event.commandName];
      if (typeof target === 'string' && target.startsWith('dl_')) commands.push(event);
    });
    web = await startWebServer({}, (runtime) => ({
      ...runtime,
      directLine: new DirectLineRepository(monitored.db(runtime.db.databaseName)),
    }));
  });

  afterAll(async () => {
    await web?.stop();
    await monitored?.close();
  });

  it('through a whole conversation: posts, polls, retries, the stream, a refresh, an erasure', async () => {
    const http = directLineHttp(web.baseUrl);
    const conv = await http.open();
    await http.say(conv, { type: 'event', name: 'start', value: '' });
    const consent = {
      type: 'message',
      value: { promptId: '_consent', choiceId: 'yes' },
      channelData: { clientActivityId: 'c-1' },
    };
    await http.say(conv, consent);
    await http.say(conv, consent); // a retry
    // The stream: connect, get what is there, then a wake for a new reply.
    const info = await http.json(
      await fetch(`${web.baseUrl}/v3/directline/conversations/${conv.conversationId}`, {
        headers: { authorization: `Bearer ${conv.token}` },
      }),
    );
    const ws = new WebSocket(String(info.streamUrl));
    const groups: unknown[] = [];
    ws.on('message', (data) => groups.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    await http.say(conv, { type: 'message', text: 'je ne sais pas' });
    await expect.poll(() => groups.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    ws.close();
    await http.poll(conv, '3');
    const refreshed = await fetch(`${web.baseUrl}/v3/directline/tokens/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conv.token}` },
    });
    expect(refreshed.status).toBe(200);
    const token = String((await http.json(refreshed)).token);
    const next = { ...conv, token };
    const asked = await http.say(next, { type: 'message', value: { command: 'delete' } });
    const prompt = asked.find((r) => r.choices.some((c) => c.choiceId === 'yes'));
    await http.say(next, {
      type: 'message',
      value: { promptId: prompt!.promptId, choiceId: 'yes' },
    });

    const names = new Set(commands.map((c) => c.commandName));
    expect([...names]).toEqual(expect.arrayContaining(['find', 'insert', 'update', 'delete']));
    const scans = commands.flatMap((event) =>
      filtersOf(event)
        .filter((filter) => !byId(filter))
        .map((filter) => `${event.commandName} ${JSON.stringify(filter)}`),
    );
    expect(scans).toEqual([]);
  }, 60_000);
});
