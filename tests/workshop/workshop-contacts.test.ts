import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CouncilIndex } from '../../bot/council-index.js';
import { createTurnHandler, type TurnHandler } from '../../bot/handle-turn.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { memoryStorage } from '../../storage/memory-storage.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { purgeExpired } from '../../storage/purge-expired.js';
import type { Storage } from '../../storage/storage.js';
import { forgetWorkshopContacts } from '../../storage/workshop-contacts.js';
import { engineContext, sampleCouncils } from '../helpers/engine-context.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from '../storage/raw-collection.js';
import { nextAnswer } from '../web/next-answer.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await useTestDatabase();
});
afterAll(() => database.drop());

const { consultation } = engineContext('2017-11-25T10:00:00+01:00');

function handler(storage: Storage): TurnHandler {
  return createTurnHandler({
    storage,
    engine: { consultation, catalog: defaultCatalog, councils: new CouncilIndex(sampleCouncils) },
    now: () => new Date('2017-11-25T10:00:00+01:00'),
  });
}

/**
 * A resident who answers everything (tests/web/next-answer.ts), « oui » to the workshop, up
 * to the prompt `stopAt` (or the end). Returns the last replies.
 */
async function answerUntil(
  handleTurn: TurnHandler,
  identity: ChannelIdentity,
  stopAt: string,
): Promise<EngineReply[]> {
  let replies = (await handleTurn(identity, { kind: 'start' })).replies;
  const tapped = new Set<string>();
  for (let turn = 0; turn < 80; turn += 1) {
    const prompt = [...replies].reverse().find((r) => r.promptId !== undefined);
    if (prompt?.promptId === stopAt) return replies;
    const answer = nextAnswer(
      prompt && {
        promptId: prompt.promptId,
        choices: (prompt.choices ?? []).map((c) => ({ choiceId: c.id, title: c.label })),
      },
      tapped,
    );
    if (answer.kind === 'finished') return replies;
    if (answer.kind === 'tap') tapped.add(prompt?.promptId ?? '');
    const input =
      answer.kind === 'tap'
        ? { kind: 'choice' as const, promptId: prompt?.promptId ?? '', choiceId: answer.choiceId }
        : { kind: 'text' as const, text: answer.text };
    replies = (await handleTurn(identity, input)).replies;
  }
  throw new Error(`never reached ${stopAt}`);
}

describe('contacts left for the workshop', () => {
  it('on the web: kept apart from answers and transcripts, shown back masked, erased with « supprimer »', async () => {
    const db = database.db;
    const storage = mongoStorage(db);
    const handleTurn = handler(storage);
    const web = { channel: 'web' as const, externalId: 'web-volunteer' };
    const asked = await answerUntil(handleTurn, web, '_contact');
    expect(asked.at(-1)?.text).toMatch(/effacé après l'atelier/);
    const saved = await handleTurn(web, { kind: 'text', text: 'Jean.Dupont@Exemple.fr' });
    expect(saved.replies[0]?.text).toContain('j•••@exemple.fr');
    const participantId = saved.participantId ?? '';
    expect(await storage.workshopContacts.get(participantId)).toMatchObject({
      participantId,
      consultationId: 'cc2017',
      email: 'jean.dupont@exemple.fr',
      channel: 'web',
    });
    const everywhereElse = JSON.stringify([
      await db.collection('answers').find({ participantId }).toArray(),
      await db.collection('transcripts').find({ participantId }).toArray(),
    ]);
    expect(everywhereElse).not.toMatch(/jean\.dupont/i);
    expect(everywhereElse).toContain('[contact]');
    // The gender question comes next: kept with the contact, not in answers or transcripts.
    expect(saved.replies.at(-1)?.promptId).toBe('_gender');
    // A hesitant word is not kept, not even in the transcript.
    await handleTurn(web, { kind: 'text', text: 'plutôt femme je crois' });
    await handleTurn(web, { kind: 'text', text: 'Une femme' });
    expect(await storage.workshopContacts.get(participantId)).toMatchObject({
      email: 'jean.dupont@exemple.fr',
      gender: 'woman',
    });
    const transcripts = JSON.stringify(
      await db.collection('transcripts').find({ participantId }).toArray(),
    );
    expect(transcripts).toContain('[gender]');
    expect(transcripts).not.toMatch(/"Une femme"|plutôt femme/);
    expect(
      JSON.stringify(await db.collection('answers').find({ participantId }).toArray()),
    ).not.toMatch(/woman|femme/i);
    // The next turn replaces the last one: the participant document no longer holds it.
    await answerUntil(handleTurn, web, '_done');
    const participant = await raw(db, 'participants').findOne({ _id: participantId });
    expect(JSON.stringify(participant)).not.toMatch(/jean\.dupont/i);
    await handleTurn(web, { kind: 'text', text: 'supprimer' });
    await handleTurn(web, { kind: 'text', text: 'oui' });
    expect(await storage.workshopContacts.get(participantId)).toBeNull();
  });

  it('on Telegram: no contact is asked (the chat is the way to reach them), the gender is', async () => {
    const storage = memoryStorage();
    const handleTurn = handler(storage);
    const telegram = { channel: 'telegram' as const, externalId: '4242' };
    const end = await answerUntil(handleTurn, telegram, '_contact');
    expect(end.map((r) => r.promptId)).not.toContain('_contact');
    expect(
      storage.data.answers.get(`${[...storage.data.participants.keys()][0]}:atelier`)?.value,
    ).toEqual({
      kind: 'yesno',
      value: true,
    });
    // tests/web/next-answer.ts taps the first button of the gender question: « Une femme ».
    expect([...storage.data.workshopContacts.values()]).toEqual([
      expect.objectContaining({ gender: 'woman', channel: 'telegram' }),
    ]);
    const [stored] = storage.data.workshopContacts.values();
    expect(stored?.email ?? stored?.phone).toBeUndefined();
  });

  it('forgets the gender on « je préfère ne pas le dire », and keeps the contact', async () => {
    const storage = memoryStorage();
    const handleTurn = handler(storage);
    const web = { channel: 'web' as const, externalId: 'prefers-not' };
    await answerUntil(handleTurn, web, '_contact');
    const given = await handleTurn(web, { kind: 'text', text: '06 12 34 56 78' });
    const participantId = given.participantId ?? '';
    await handleTurn(web, { kind: 'choice', promptId: '_gender', choiceId: 'other' });
    expect((await storage.workshopContacts.get(participantId))?.gender).toBe('other');
    // Back to the volunteer question, « oui » again: the gender is not asked twice…
    await handleTurn(web, { kind: 'choice', promptId: '_review', choiceId: 't_culture' });
    await handleTurn(web, { kind: 'choice', promptId: '_review', choiceId: 'atelier' });
    const again = await handleTurn(web, { kind: 'choice', promptId: 'atelier', choiceId: 'yes' });
    expect(again.replies.map((r) => r.promptId)).not.toContain('_gender');
    // …but a new volunteer who declines leaves no gender, and their contact stays.
    const other = { channel: 'web' as const, externalId: 'declines' };
    await answerUntil(handleTurn, other, '_contact');
    const phone = await handleTurn(other, { kind: 'text', text: '07 11 22 33 44' });
    await handleTurn(other, { kind: 'text', text: 'je préfère ne pas le dire' });
    expect(await storage.workshopContacts.get(phone.participantId ?? '')).toEqual(
      expect.not.objectContaining({ gender: expect.anything() }),
    );
    expect((await storage.workshopContacts.get(phone.participantId ?? ''))?.phone).toBe(
      '+33711223344',
    );
  });

  it('go when the volunteer says « non » to the workshop after all', async () => {
    const storage = memoryStorage();
    const handleTurn = handler(storage);
    const web = { channel: 'web' as const, externalId: 'changes-mind' };
    await answerUntil(handleTurn, web, '_contact');
    const given = await handleTurn(web, { kind: 'text', text: '06 12 34 56 78' });
    const participantId = given.participantId ?? '';
    expect((await storage.workshopContacts.get(participantId))?.phone).toBe('+33612345678');
    await handleTurn(web, { kind: 'choice', promptId: '_gender', choiceId: 'man' });
    await handleTurn(web, { kind: 'choice', promptId: '_review', choiceId: 't_culture' });
    await handleTurn(web, { kind: 'choice', promptId: '_review', choiceId: 'atelier' });
    const no = await handleTurn(web, { kind: 'choice', promptId: 'atelier', choiceId: 'no' });
    expect(no.events).toContainEqual({ type: 'workshop_contact_withdrawn' });
    expect(await storage.workshopContacts.get(participantId)).toBeNull();
  });

  it('are all deleted from the consultation’s deleteAfter date on (or by the command)', async () => {
    const db = database.db;
    const storage = mongoStorage(db);
    const at = new Date('2017-11-26T10:00:00Z');
    await storage.workshopContacts.save({
      participantId: 'p1',
      consultationId: 'cc2017',
      email: 'a@b.fr',
      channel: 'web',
      at,
    });
    await storage.workshopContacts.save({
      participantId: 'p2',
      consultationId: 'other',
      phone: '+33612345678',
      channel: 'web',
      at,
    });
    await raw(db, 'participants').insertOne({
      _id: 'p1',
      consultationId: 'cc2017',
      lastTurn: { workshopContact: { action: 'set', email: 'a@b.fr' } },
    });
    // As lastTurn is stored today: JSON text (storage/last-turn-text.ts).
    await raw(db, 'participants').insertOne({
      _id: 'p3',
      consultationId: 'cc2017',
      lastTurn: JSON.stringify({
        version: 3,
        workshopContact: { action: 'gender', gender: 'man' },
      }),
    });
    const workshop = { consultationId: 'cc2017', deleteAfter: '2017-12-31T23:59:59+01:00' };
    const before = await purgeExpired(db, { now: new Date('2017-12-20T00:00:00Z'), workshop });
    expect(before.workshopContacts).toBe(0);
    expect(await storage.workshopContacts.get('p1')).not.toBeNull();
    const after = await purgeExpired(db, { now: new Date('2018-01-01T00:00:00Z'), workshop });
    expect(after.workshopContacts).toBe(1);
    expect(await storage.workshopContacts.get('p1')).toBeNull();
    // Another consultation's contacts stay; the copy in the last turn went too.
    expect(await storage.workshopContacts.get('p2')).not.toBeNull();
    expect(await raw(db, 'participants').findOne({ _id: 'p1' })).toEqual({
      _id: 'p1',
      consultationId: 'cc2017',
      lastTurn: {},
    });
    expect(await raw(db, 'participants').findOne({ _id: 'p3' })).toEqual({
      _id: 'p3',
      consultationId: 'cc2017',
      lastTurn: JSON.stringify({ version: 3 }),
    });
    expect(await forgetWorkshopContacts(db, 'other')).toBe(1);
  });

  for (const [name, make] of [
    ['memory', () => memoryStorage()],
    ['MongoDB', () => mongoStorage(database.db)],
  ] as const) {
    it(`are stored the same way in ${name}: one per participant, replaced, listed by id, refused empty`, async () => {
      const storage = make();
      const consultationId = `c-${name}`;
      const at = new Date('2017-11-26T10:00:00Z');
      await storage.workshopContacts.save({
        participantId: 'b',
        consultationId,
        email: 'b@x.fr',
        channel: 'web',
        at,
      });
      await storage.workshopContacts.save({
        participantId: 'a',
        consultationId,
        email: 'a@x.fr',
        channel: 'web',
        at,
      });
      await storage.workshopContacts.save({
        participantId: 'a',
        consultationId,
        phone: '+33611111111',
        channel: 'console',
        at,
      });
      const listed = [];
      for await (const contact of storage.workshopContacts.list(consultationId))
        listed.push(contact);
      expect(listed).toEqual([
        { participantId: 'a', consultationId, phone: '+33611111111', channel: 'console', at },
        { participantId: 'b', consultationId, email: 'b@x.fr', channel: 'web', at },
      ]);
      await expect(
        storage.workshopContacts.save({ participantId: 'c', consultationId, channel: 'web', at }),
      ).rejects.toThrow(/e-mail or a phone/);
      // A gender alone (a Telegram volunteer) is a contact document too.
      await storage.workshopContacts.save({
        participantId: 'g',
        consultationId,
        gender: 'woman',
        channel: 'telegram',
        at,
      });
      expect(await storage.workshopContacts.get('g')).toMatchObject({ gender: 'woman' });
      await storage.workshopContacts.remove('g');
      await storage.workshopContacts.remove('b');
      expect(await storage.workshopContacts.removeAll(consultationId)).toBe(1);
    });
  }
});
