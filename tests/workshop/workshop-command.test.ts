import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  participantPseudonym,
  workshopPseudonym,
} from '../../bot/exports/participant-pseudonym.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { runConcerto } from '../helpers/run-concerto.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from '../storage/raw-collection.js';
import {
  importPlantedCouncils,
  insertConsultation,
  participantIdOf,
  plantedConsultation,
} from '../synthesis/generate-consultation.js';

const secret = 'a-pseudonym-secret-for-the-workshop-tests';
const env = { PSEUDONYM_SECRET: secret };
let database: TestDatabase;
let dir: string;
let telegram: FakeTelegramApi;
/** The first draw, as published (the later tests invite its drawn). */
let published: PublishedDraw | undefined;

/** Web volunteers who left an e-mail: 4 of the 30 on the web (the other 26 cannot be reached). */
const withContact = [1, 5, 11, 15];
/** The 30 volunteers on Telegram (planted: i % 5 < 2 volunteer, even i on Telegram). */
const telegramVolunteers = Array.from({ length: 150 }, (_, i) => i).filter(
  (i) => i % 5 < 2 && i % 2 === 0,
);
function genderOf(i: number): 'woman' | 'man' | undefined {
  return i % 3 === 0 ? 'woman' : i % 3 === 1 ? 'man' : undefined;
}

beforeAll(async () => {
  database = await useTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'concerto-workshop-'));
  telegram = await FakeTelegramApi.start();
  await importPlantedCouncils(database.db);
  await insertConsultation(database.db, plantedConsultation());
  const storage = mongoStorage(database.db);
  for (const i of withContact)
    await storage.workshopContacts.save({
      participantId: participantIdOf(i),
      consultationId: 'cc2017',
      email: `volunteer${i}@exemple.fr`,
      channel: 'web',
      at: new Date('2017-11-25T10:00:00Z'),
    });
  // Telegram volunteers who answered the gender question: a woman, a man, or nothing said.
  for (const i of telegramVolunteers) {
    const gender = genderOf(i);
    if (gender !== undefined)
      await storage.workshopContacts.save({
        participantId: participantIdOf(i),
        consultationId: 'cc2017',
        gender,
        channel: 'telegram',
        at: new Date('2017-11-25T10:00:00Z'),
      });
  }
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await telegram?.close();
  await database.drop();
});

interface PublishedDraw {
  draw: {
    volunteers: number;
    strata: { values: (string | null)[]; quota: number; drawn: number }[];
    totals: Record<string, { value: string | null; quota: number; drawn: number }[]>;
    lottery: { key: string; drawn: boolean }[];
  };
  pool: { key: string; strata: Record<string, string | null> }[];
  volunteers: { key: string; drawn: boolean; route: string; contact: string | null }[];
}

async function drawJson(
  seed: string,
  extra: string[] = [],
): Promise<{ text: string; parsed: PublishedDraw; stderr: string }> {
  const out = path.join(dir, `draw-${seed}.json`);
  const run = await runConcerto(
    [
      'workshop',
      'draw',
      '--seats',
      '10',
      '--seed',
      seed,
      '--balance',
      'council,role,gender',
      '--format',
      'json',
      '--out',
      out,
      ...extra,
    ],
    database.name,
    env,
  );
  expect(run.code, run.stderr).toBe(0);
  const text = readFileSync(out, 'utf8');
  return { text, parsed: JSON.parse(text), stderr: run.stderr };
}

describe('concerto workshop', () => {
  it('draws 10 among the reachable volunteers, balanced on council, role and gender', async () => {
    const { parsed, stderr } = await drawJson('loto 2017-12-06');
    published = parsed;
    expect(stderr).not.toContain('not balanced');
    expect(stderr).toMatch(/gender: man \d+\/[\d.]+, woman \d+\/[\d.]+, — \d+\/[\d.]+/);
    expect(stderr).toContain('26 left out, nothing can reach them');
    // 30 on Telegram and 4 who left an e-mail: the 34 volunteers who can be invited.
    expect(parsed.draw.volunteers).toBe(34);
    const volunteerKeys = new Set(
      Array.from({ length: 150 }, (_, i) => i)
        .filter((i) => i % 5 < 2 && (i % 2 === 0 || withContact.includes(i)))
        .map((i) => workshopPseudonym(participantIdOf(i), secret)),
    );
    expect(new Set(parsed.pool.map((v) => v.key))).toEqual(volunteerKeys);
    // The pool publishes council, role and gender: its keys are not the exports' pseudonyms.
    const exportKeys = new Set(
      Array.from({ length: 150 }, (_, i) => participantPseudonym(participantIdOf(i), secret)),
    );
    expect(parsed.pool.some((v) => exportKeys.has(v.key))).toBe(false);
    const drawn = parsed.volunteers.filter((v) => v.drawn);
    expect(drawn).toHaveLength(10);
    expect(drawn.every((v) => volunteerKeys.has(v.key))).toBe(true);
    for (const total of parsed.draw.totals['council'] ?? [])
      expect(Math.abs(total.drawn - total.quota)).toBeLessThan(1);
    for (const stratum of parsed.draw.strata)
      expect(Math.abs(stratum.drawn - stratum.quota)).toBeLessThan(1);
    // Contacts are masked in the export.
    const contacts = parsed.volunteers.flatMap((v) => (v.contact ? [v.contact] : []));
    expect(contacts.length).toBe(4);
    expect(contacts.every((c) => /^v•••@exemple\.fr$/.test(c))).toBe(true);
  }, 60_000);

  it('gives the same list again with the same seed, another with another seed', async () => {
    const first = await drawJson('loto 2017-12-06');
    expect(first.stderr).toContain('draw unchanged');
    const again = await drawJson('loto 2017-12-06');
    expect(again.text).toBe(first.text);
    const other = await drawJson('another seed');
    const keys = (d: PublishedDraw) => d.volunteers.filter((v) => v.drawn).map((v) => v.key);
    expect(keys(other.parsed)).not.toEqual(keys(first.parsed));
  }, 90_000);

  it('balances gender first to one seat: women, men and « not said » (its own group)', async () => {
    const { parsed } = await drawJson('gender first', ['--balance', 'gender,council']);
    const totals = parsed.draw.totals['gender'] ?? [];
    expect(totals.map((t) => t.value)).toEqual(['man', 'woman', null]);
    // 10 women and 10 men among the 30 on Telegram; the 10 others and the 4 web ones said nothing.
    const women = telegramVolunteers.filter((i) => genderOf(i) === 'woman').length;
    expect(totals.find((t) => t.value === 'woman')?.quota).toBeCloseTo((10 * women) / 34, 5);
    for (const total of totals) expect(Math.abs(total.drawn - total.quota)).toBeLessThan(1);
    // The published pool carries the value each volunteer was drawn on: anyone can re-run it.
    expect(parsed.pool.filter((v) => v.strata['gender'] === 'woman')).toHaveLength(women);
  }, 60_000);

  it('refuses an unknown criterion with the ones it knows', async () => {
    const run = await runConcerto(
      ['workshop', 'draw', '--seats', '3', '--seed', 'x', '--balance', 'councl'],
      database.name,
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--balance councl: not a criterion; known ones: council, role, gender',
    );
  }, 30_000);

  it('invites the drawn once each: Telegram sent, blocked chats noted, the web held for the next visit, e-mails listed', async () => {
    const drawnRoutes = (published?.volunteers ?? []).filter((v) => v.drawn).map((v) => v.route);
    const byTelegram = drawnRoutes.filter((r) => r === 'telegram').length;
    const byEmail = drawnRoutes.filter((r) => r === 'email').length;
    expect(byTelegram + byEmail).toBe(10);
    // One drawn Telegram volunteer has blocked the bot.
    const recorded = await raw(database.db, 'workshop_draws').findOne({
      _id: 'cc2017:loto 2017-12-06',
    });
    const drawnIds: string[] = (recorded?.['drawn'] ?? []).map(
      (d: { participantId: string }) => d.participantId,
    );
    const blockedIndex = Array.from({ length: 150 }, (_, i) => i).find(
      (i) => i % 2 === 0 && drawnIds.includes(participantIdOf(i)),
    );
    expect(blockedIndex).toBeDefined();
    telegram.block(100_000 + (blockedIndex ?? 0));
    const out = path.join(dir, 'to-write.csv');
    const telegramEnv = {
      ...env,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    };
    const args = [
      'workshop',
      'invite',
      '--seed',
      'loto 2017-12-06',
      '--details',
      'Samedi 16 décembre, 9 h 30, à Paris.',
      '--details-en',
      'Saturday 16 December, 9.30, in Paris.',
      '--out',
      out,
    ];
    const run = await runConcerto(args, database.name, telegramEnv);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${byTelegram - 1} sent`);
    expect(run.stderr).toContain('1 unreachable');
    // The web volunteers have no push subscription: held, said at their next visit.
    expect(run.stderr).toContain(`${byEmail} held for their next visit`);
    if (byEmail > 0)
      expect(run.stderr).toContain(
        `no e-mail or SMS service here: ${byEmail} left an e-mail or a phone number`,
      );
    const invitations = await raw(database.db, 'workshop_invitations')
      .find({ drawId: 'cc2017:loto 2017-12-06' })
      .toArray();
    expect(invitations.map((doc) => doc['status']).sort()).toEqual(
      [
        ...Array<string>(byTelegram - 1).fill('sent'),
        'unreachable',
        ...Array<string>(byEmail).fill('held'),
      ].sort(),
    );
    const sent = telegram.callsOf('sendMessage');
    expect(sent).toHaveLength(byTelegram);
    expect(String(sent[0]?.params['text'])).toMatch(
      /tiré au sort pour y participer\.\nSamedi 16 décembre|drawn to take part\.\nSaturday 16 December/,
    );
    const csv = readFileSync(out, 'utf8');
    // Every drawn volunteer, with route and status; the e-mails masked.
    expect(csv.split('\r\n').filter((line) => line !== '')).toHaveLength(11);
    expect(csv.split('\r\n').filter((line) => line.includes(',email,held,'))).toHaveLength(byEmail);
    expect(csv).not.toMatch(/volunteer\d+@/);
    // Run again: nobody is invited twice.
    const again = await runConcerto(args, database.name, telegramEnv);
    expect(again.stderr).toContain('0 sent, 0 held for their next visit, 10 already invited');
    expect(telegram.callsOf('sendMessage')).toHaveLength(byTelegram);
  }, 90_000);

  it('forgets every contact on demand, and only with --yes', async () => {
    const refused = await runConcerto(['workshop', 'forget-contacts'], database.name, env);
    expect(refused.code).toBe(2);
    const stored = 4 + telegramVolunteers.filter((i) => genderOf(i) !== undefined).length;
    expect(await raw(database.db, 'workshop_contacts').countDocuments()).toBe(stored);
    const done = await runConcerto(['workshop', 'forget-contacts', '--yes'], database.name, env);
    expect(done.stderr).toContain(`${stored} contacts deleted`);
    expect(await raw(database.db, 'workshop_contacts').countDocuments()).toBe(0);
  }, 60_000);
});
