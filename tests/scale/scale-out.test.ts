// Several real `concerto serve` processes on one database server behave as one bot: three, then
// two once one is stopped with SIGTERM under load. Telegram updates go to any process (and some
// are delivered to two at once, as a Telegram redelivery racing the first try); a Direct Line
// conversation is written by two processes at once and read by a third; the hourly purge runs
// once; log lines of a turn share a turn id and hold nothing a person wrote.
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDoc } from '../../storage/claim-job.js';
import { collections } from '../../storage/collections.js';
import { answerEverything } from '../bench/telegram-resident.js';
import { ServeFleet } from './serve-fleet.js';

const firstChat = 7_100_000;

describe('three, then two, serve processes on one database', () => {
  let fleet: ServeFleet;
  let delivered = 0;

  /** Each update to the next process in turn; one in four also to another one at once. */
  const roundRobin = async (update: Update) => {
    delivered += 1;
    const live = fleet.live();
    const target = live[delivered % live.length]!;
    if (delivered % 4 === 0) {
      const other = live[(delivered + 1) % live.length]!;
      await Promise.all([fleet.post(update, target), fleet.post(update, other)]);
    } else await fleet.post(update, target);
  };

  /** Every resident finished, each answer stored once, one participant per chat. */
  async function expectCompletedOnce(chats: number[]) {
    const c = collections(fleet.database.db);
    const ids = await c.identities
      .find({ _id: { $in: chats.map((id) => `telegram:${id}`) } })
      .toArray();
    expect(ids).toHaveLength(chats.length);
    const participants = await c.participants
      .find({ _id: { $in: ids.map((i) => i.participantId) } })
      .toArray();
    expect(participants.map((p) => p.status)).toEqual(chats.map(() => 'completed'));
    const answers = await c.answers
      .find({ participantId: { $in: participants.map((p) => p._id) } })
      .toArray();
    const questionsOf = (participantId: string) =>
      answers
        .filter((a) => a.participantId === participantId)
        .map((a) => a.questionId)
        .sort();
    const reference = questionsOf(participants[0]!._id);
    expect(reference.length).toBeGreaterThan(20);
    for (const p of participants) expect(questionsOf(p._id)).toEqual(reference);
    // An update handled twice would have answered the next question with it (history).
    expect(answers.filter((a) => a.history.length > 0)).toEqual([]);
  }

  beforeAll(async () => {
    fleet = await ServeFleet.start(3, { LOG_LEVEL: 'debug' });
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('Telegram residents served by any process: each answer stored once', async () => {
    const chats = Array.from({ length: 6 }, (_, i) => firstChat + i);
    await Promise.all(chats.map((chat) => answerEverything(fleet.fake, roundRobin, chat)));
    await expectCompletedOnce(chats);
    // Every process took part.
    for (const p of fleet.processes) expect(p.output).toMatch(/"msg":"turn"/);
  }, 120_000);

  it('a Direct Line conversation written by two processes at once, polled on a third, skips nothing', async () => {
    const [a, b, c] = fleet.baseUrls;
    const session = await fetch(`${a}/web/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { conversationId, token } = await session.json();
    const api = (base: string | undefined) =>
      `${base}/v3/directline/conversations/${conversationId}/activities`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const read = async (base: string | undefined, watermark: string) => {
      const res = await fetch(`${api(base)}?watermark=${watermark}`, { headers });
      expect(res.status).toBe(200);
      const body: { activities: { id: string }[]; watermark: string } = await res.json();
      return body;
    };
    let writing = true;
    const polled: string[] = [];
    const poller = (async () => {
      let watermark = '';
      while (writing || watermark === '') {
        const body = await read(c, watermark);
        polled.push(...body.activities.map((x) => x.id));
        watermark = body.watermark;
      }
      // Once the writers are done, what is left.
      for (;;) {
        const body = await read(c, watermark);
        if (body.activities.length === 0) break;
        polled.push(...body.activities.map((x) => x.id));
        watermark = body.watermark;
      }
    })();
    const say = (base: string | undefined, text: string) =>
      fetch(api(base), {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'message', text }),
      });
    await say(a, 'bonjour');
    for (let round = 0; round < 8; round += 1) {
      const posted = await Promise.all([say(a, 'aide'), say(b, 'aide')]);
      expect(posted.map((r) => r.status)).toEqual([200, 200]);
    }
    writing = false;
    await poller;
    const all: string[] = [];
    for (let watermark = ''; ;) {
      const body = await read(b, watermark);
      if (body.activities.length === 0) break;
      all.push(...body.activities.map((x) => x.id));
      watermark = body.watermark;
    }
    // 17 messages and at least one reply to each.
    expect(all.length).toBeGreaterThanOrEqual(34);
    expect(new Set(all).size).toBe(all.length);
    expect(polled).toEqual(all);
  }, 60_000);

  it('runs the hourly purge once across the processes', async () => {
    const job = await fleet.database.db.collection<JobDoc>('jobs').findOne({ _id: 'purge' });
    expect(job).toMatchObject({ ranAt: expect.any(Date) });
    const ran = fleet.processes.filter((p) => p.output.includes('expired data purged'));
    expect(ran).toHaveLength(1);
  });

  it('gives every line of a turn its turn id, and logs nothing a person wrote', () => {
    const lines = fleet
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l): Record<string, unknown> => JSON.parse(l));
    const turns = lines.filter((l) => l.msg === 'turn');
    expect(turns.length).toBeGreaterThan(6 * 20);
    expect(
      turns.every((t) => typeof t.turnId === 'string' && /^[0-9a-f]{12}$/.test(t.turnId)),
    ).toBe(true);
    // One id per turn (a redelivered update is a turn of its own, answered as a duplicate).
    expect(new Set(turns.map((t) => t.turnId)).size).toBe(turns.length);
    expect(fleet.output()).not.toContain('Des bus plus tard le soir');
    expect(fleet.output()).not.toMatch(/"level":(50|60)/);
  });

  it('stops one process with SIGTERM under load within 10 s; the two left finish everyone', async () => {
    const chats = Array.from({ length: 4 }, (_, i) => firstChat + 100 + i);
    const before = delivered;
    const residents = Promise.all(
      chats.map((chat) => answerEverything(fleet.fake, roundRobin, chat)),
    );
    // Once turns are flowing through all three, stop the third while some are in flight.
    while (delivered < before + 30) await new Promise((resolve) => setTimeout(resolve, 20));
    const exit = await fleet.stop(2);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    await residents;
    expect(fleet.live()).toEqual([0, 1]);
    await expectCompletedOnce(chats);
    // Every stop hook ran in time, the database's (the last phase) included.
    const stopped = fleet.processes[2]!.output.split('\n')
      .filter((l) => l.includes('"msg":"stopped"'))
      .map((l): Record<string, unknown> => JSON.parse(l));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.failed).toEqual([]);
    expect(fleet.processes[2]!.output).not.toContain('did not finish in time');
    expect(fleet.processes[2]!.output).not.toMatch(/"level":(50|60)/);
  }, 120_000);
});
