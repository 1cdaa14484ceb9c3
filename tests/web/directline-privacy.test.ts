import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../storage/purge-expired.js';
import { directLineHttp, type Bot, type Conversation } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

let web: WebServer;
let dl: ReturnType<typeof directLineHttp>;
let db: Db;

beforeAll(async () => {
  web = await startWebServer();
  dl = directLineHttp(web.baseUrl);
  db = web.runtime.db;
});

afterAll(async () => {
  await web?.stop();
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const consent = { type: 'message', value: { promptId: '_consent', choiceId: 'yes' } };
const refuse = { type: 'message', value: { promptId: '_consent', choiceId: 'no' } };

/** Every stored document, anywhere in the database, whose JSON contains `needle`. */
async function everywhere(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray())
      if (JSON.stringify(doc).includes(needle)) found.push(`${name}/${String(doc._id)}`);
  }
  return found;
}

async function userOf(conv: Conversation): Promise<string> {
  return String((await web.runtime.directLine.findConversation(conv.conversationId))?.userId);
}

/** Answers what the bot asks until it has the consent (the language first, if it asks). */
async function consentAfter(conv: Conversation, asked: Bot[], clientId: string): Promise<Bot[]> {
  let last = asked;
  for (let step = 0; step < 3; step += 1) {
    const prompt = [...last].reverse().find((r) => r.promptId);
    if (prompt?.promptId === '_consent' || prompt === undefined)
      return dl.say(conv, { ...consent, channelData: { clientActivityId: clientId } });
    const choiceId = prompt.choices.find((c) => c.choiceId === 'fr')?.choiceId ?? 'yes';
    last = await dl.say(conv, { type: 'message', value: { promptId: prompt.promptId, choiceId } });
  }
  return last;
}

const activitiesOf = (conv: Conversation) =>
  db
    .collection<{
      _id: string;
      conversationId: string;
      activity: { text?: string; from?: { role?: string } };
      expiresAt?: Date;
    }>('dl_activities')
    .find({ conversationId: conv.conversationId })
    .toArray();

describe('deleting one’s data from the web page', () => {
  it('removes every trace of the conversation; the confirmation is seen, then goes', async () => {
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    await dl.say(conv, { ...consent, channelData: { clientActivityId: 'p-1' } });
    await dl.say(conv, {
      type: 'message',
      text: 'Mon quartier Zorglub-17',
      channelData: { clientActivityId: 'p-2' },
    });
    // A wrong continuation code: its try is kept against this chat for ten minutes.
    await dl.say(conv, {
      type: 'message',
      text: 'ZZZZ-ZZZ2',
      channelData: { clientActivityId: 'p-3' },
    });
    const userId = await userOf(conv);
    expect(await everywhere(userId)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^continuation_attempts\//)]),
    );
    const confirm = await dl.say(conv, { type: 'message', value: { command: 'delete' } });
    const prompt = confirm.find((r) => r.choices.some((c) => c.choiceId === 'yes'));
    expect(prompt?.promptId).toBeDefined();
    const done = await dl.say(conv, {
      type: 'message',
      value: { promptId: prompt!.promptId, choiceId: 'yes' },
      channelData: { clientActivityId: 'p-4' },
    });
    expect(done.length).toBeGreaterThan(0);

    // Right after: the person sees the confirmation; nothing else is left but an anonymous count.
    const left = await activitiesOf(conv);
    expect(left.length).toBe(done.length);
    expect(left.every((doc) => doc.activity.from?.role === 'bot')).toBe(true);
    expect(
      left.every((doc) => (doc.expiresAt?.getTime() ?? Infinity) <= minutes(11).getTime()),
    ).toBe(true);
    expect(await everywhere('Zorglub-17')).toEqual([]);
    expect(await everywhere(userId)).toEqual([]);
    expect(
      await db.collection('dl_client_ids').countDocuments({ conversationId: conv.conversationId }),
    ).toBe(0);
    expect(await everywhere(conv.conversationId)).toEqual(
      expect.arrayContaining([`dl_conversations/${conv.conversationId}`]),
    );
    expect(
      (await everywhere(conv.conversationId)).every((where) =>
        /^dl_(conversations|activities)\//.test(where),
      ),
    ).toBe(true);
    expect(await db.collection('deletions').countDocuments({})).toBe(1);
    expect(await db.collection('participants').countDocuments({})).toBe(0);
    const polled = await dl.json(await dl.poll(conv));
    expect(JSON.stringify(polled.activities)).toContain(done[0]!.text.slice(0, 20));
    // The conversation is over: what is sent to it now is refused (the page starts a new one).
    expect((await dl.post(conv, { type: 'message', text: 'encore' })).status).toBe(404);

    // Ten minutes on, the purge (a TTL index on MongoDB) takes the rest.
    await purgeExpired(db, { now: minutes(11) });
    expect(await everywhere(conv.conversationId)).toEqual([]);
    expect((await dl.poll(conv)).status).toBe(404);
    expect((await dl.session(conv.token)).status).toBe(404);
  });
});

describe('nothing typed before consent is kept', () => {
  it('refused: what was typed goes at once; the rest within the hour, never in transcripts', async () => {
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    await dl.say(conv, {
      type: 'message',
      text: 'Mon secret avant accord',
      channelData: { clientActivityId: 'a-1' },
    });
    const refused = await dl.say(conv, { ...refuse, channelData: { clientActivityId: 'a-2' } });
    expect(refused.map((r) => r.text).join(' ')).toMatch(/Sans votre accord/);
    expect(await everywhere('Mon secret avant accord')).toEqual([]);
    const left = await activitiesOf(conv);
    expect(left.length).toBeGreaterThan(0);
    expect(
      left.every((doc) => (doc.expiresAt?.getTime() ?? Infinity) <= minutes(61).getTime()),
    ).toBe(true);
    await purgeExpired(db, { now: minutes(61) });
    expect(await activitiesOf(conv)).toEqual([]);
  });

  it('given: what was typed before goes at once; what follows is kept', async () => {
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    const asked = await dl.say(conv, {
      type: 'message',
      text: 'Autre secret',
      channelData: { clientActivityId: 'b-1' },
    });
    const thanks = await consentAfter(conv, asked, 'b-2');
    expect(thanks.map((r: Bot) => r.text).join(' ')).toMatch(/Merci/);
    expect(await everywhere('Autre secret')).toEqual([]);
    await dl.say(conv, {
      type: 'message',
      text: 'Roubaix après accord',
      channelData: { clientActivityId: 'b-3' },
    });
    const kept = (await activitiesOf(conv)).filter(
      (doc) => doc.activity.text === 'Roubaix après accord',
    );
    expect(kept).toHaveLength(1);
    expect(kept[0]!.expiresAt!.getTime()).toBeGreaterThan(minutes(80 * 24 * 60).getTime());
    const transcripts = JSON.stringify(await db.collection('transcripts').find({}).toArray());
    expect(transcripts).not.toContain('Autre secret');
  });

  it('left without answering: all of it expires within the hour', async () => {
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    await dl.say(conv, {
      type: 'message',
      text: 'Encore un secret',
      channelData: { clientActivityId: 'c-1' },
    });
    const left = await activitiesOf(conv);
    expect(left.some((doc) => doc.activity.text === 'Encore un secret')).toBe(true);
    expect(
      left.every((doc) => (doc.expiresAt?.getTime() ?? Infinity) <= minutes(61).getTime()),
    ).toBe(true);
    await purgeExpired(db, { now: minutes(61) });
    expect(await everywhere('Encore un secret')).toEqual([]);
    expect(
      await db.collection('dl_client_ids').countDocuments({ conversationId: conv.conversationId }),
    ).toBe(0);
  });
});
