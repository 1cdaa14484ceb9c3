import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { CouncilIndex } from '../../bot/council-index.js';
import { createTurnHandler } from '../../bot/handle-turn.js';
import { createLogger } from '../../bot/logger.js';
import { createWebPushTransport } from '../../bot/web-push/web-push-transport.js';
import { drawWorkshop } from '../../bot/workshop/draw-workshop.js';
import { invitationCsv } from '../../bot/workshop/invitation-csv.js';
import { inviteDraw } from '../../bot/workshop/invite-draw.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { identityKey, type ChannelIdentity } from '../../storage/identity.js';
import { memoryStorage } from '../../storage/memory-storage.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { MongoPushSubscriptions } from '../../storage/push-subscriptions.js';
import { storedVapidKeys } from '../../storage/vapid-keys.js';
import { invitationsOf, markInvitationShown } from '../../storage/workshop-draws.js';
import { engineContext, sampleCouncils } from '../helpers/engine-context.js';
import { generatedAnswer, generatedParticipant, insertGenerated } from '../helpers/export-seed.js';
import { startFakePushService, type FakePushService } from '../helpers/fake-push-service.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from '../storage/raw-collection.js';

let database: TestDatabase;
let service: FakePushService;
const at = new Date('2017-12-01T10:00:00Z');
const { consultation } = engineContext('2017-12-01T11:00:00+01:00');
const seed = 'loto 2017-12-06';
const details = { fr: 'Samedi 16 décembre, 9 h 30, à Paris.', en: 'Saturday 16 December.' };

/** Four web volunteers: two accepted notifications (one of them since dropped), two did not. */
const web = {
  push: 'p-push',
  gone: 'p-gone',
  email: 'p-email',
  nothing: 'p-nothing',
} as const;

function identityOf(participantId: string): ChannelIdentity {
  return { channel: 'web', externalId: `gen-${participantId}` };
}

beforeAll(async () => {
  database = await useTestDatabase();
  service = await startFakePushService();
  const { db } = database;
  const ids = Object.values(web);
  await insertGenerated(
    db,
    ids.map((id) =>
      generatedParticipant(id, {
        councilId: 'QN05981M',
        status: 'completed',
        answered: 20,
        at,
        channel: 'web',
      }),
    ),
    ids.map((id) => generatedAnswer(id, 'atelier', { kind: 'yesno', value: true }, at, 'web')),
  );
  for (const id of ids)
    await raw(db, 'identities').insertOne({
      _id: identityKey(identityOf(id)),
      ...identityOf(id),
      participantId: id,
      createdAt: at,
    });
  const subscriptions = new MongoPushSubscriptions(db);
  const { publicKey } = await storedVapidKeys(db);
  await subscriptions.save(web.push, identityOf(web.push), service.subscribe(publicKey).json, at);
  const dropped = service.subscribe(publicKey);
  await subscriptions.save(web.gone, identityOf(web.gone), dropped.json, at);
  service.unsubscribe(dropped.id);
  await mongoStorage(db).workshopContacts.save({
    participantId: web.email,
    consultationId: 'cc2017',
    email: 'marie@exemple.fr',
    channel: 'web',
    at,
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await database?.drop();
});

function runtime() {
  const parsed = parseConfig({ PSEUDONYM_SECRET: 'workshop-invitations', LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const { db } = database;
  return {
    config: parsed.config,
    db,
    storage: mongoStorage(db),
    consultation,
    catalog: defaultCatalog,
    log: createLogger('silent'),
  };
}

async function webPush() {
  const vapid = { subject: 'mailto:dpo@example.org', ...(await storedVapidKeys(database.db)) };
  return createWebPushTransport({
    subscriptions: new MongoPushSubscriptions(database.db),
    vapid,
    agent: service.agent,
  });
}

describe('invitations to web volunteers', () => {
  it('go by Web Push where the browser accepted it, else wait for the next visit; once each', async () => {
    const r = runtime();
    const draw = await drawWorkshop(r, { seats: 4, seed, balance: [], includeUnreachable: true });
    expect(draw.rows.filter((row) => row.drawn)).toHaveLength(4);
    expect(Object.fromEntries(draw.rows.map((row) => [row.participantId, row.route]))).toEqual({
      [web.push]: 'web_push',
      [web.gone]: 'web_push',
      [web.email]: 'email',
      [web.nothing]: 'none',
    });
    const transport = await webPush();
    const invited = await inviteDraw(r, { seed, details, webPush: transport });
    expect(invited?.report).toMatchObject({ sent: 1, held: 3, failed: 0, alreadyInvited: 0 });
    // The one push the service took, decrypted as the browser would: the invitation, no buttons.
    expect(service.received).toHaveLength(1);
    const push = service.received[0];
    expect(push?.topic).toBe('invitation');
    expect(JSON.parse(push?.text ?? '{}')).toEqual({
      v: 1,
      title: 'Atelier des conseils citoyens : vous êtes invité',
      body: expect.stringContaining('Samedi 16 décembre, 9 h 30, à Paris.'),
      lang: 'fr',
      tag: 'concerto-invitation',
      actions: [],
    });
    expect(push?.text).not.toContain(web.push);
    const statuses = await invitationsOf(database.db, `cc2017:${seed}`);
    expect(Object.fromEntries([...statuses].map(([id, doc]) => [id, doc.status]))).toEqual({
      [web.push]: 'sent',
      [web.gone]: 'held',
      [web.email]: 'held',
      [web.nothing]: 'held',
    });
    // The dropped subscription went (410), so reminders do not try it again either.
    expect(await new MongoPushSubscriptions(database.db).get(web.gone)).toBeNull();
    // The organisers' list: everyone, and the e-mail to write to (masked unless asked).
    const csv = invitationCsv(invited!.report, 'masked');
    expect(csv).toMatch(/,fr,email,held,m•••@exemple\.fr\r\n/);
    expect(invitationCsv(invited!.report, 'full')).toContain('marie@exemple.fr');
    // Run again: nobody is invited twice.
    const again = await inviteDraw(r, { seed, details, webPush: transport });
    expect(again?.report).toMatchObject({ sent: 0, held: 0, alreadyInvited: 4 });
    expect(service.received).toHaveLength(1);
  }, 60_000);

  it('is said first at the next visit, recorded shown, and only once', async () => {
    const { db, storage } = runtime();
    const handleTurn = createTurnHandler({
      storage,
      engine: {
        consultation,
        catalog: defaultCatalog,
        councils: new CouncilIndex(sampleCouncils),
      },
      now: () => new Date('2017-12-02T10:00:00Z'),
      invitationShown: (drawId, participantId, when) =>
        markInvitationShown(db, drawId, participantId, when),
    });
    const visit = await handleTurn(identityOf(web.email), { kind: 'text', text: 'bonjour' });
    expect(visit.replies[0]?.text).toMatch(/tiré au sort pour y participer\.\nSamedi 16 décembre/);
    const statuses = await invitationsOf(db, `cc2017:${seed}`);
    expect(statuses.get(web.email)?.status).toBe('shown');
    expect(statuses.get(web.nothing)?.status).toBe('held');
    const next = await handleTurn(identityOf(web.email), { kind: 'text', text: 'merci' });
    expect(next.replies.map((reply) => reply.text).join('\n')).not.toMatch(/tiré au sort/);
    // Shown is final: inviting again does not hold it a second time.
    const again = await inviteDraw(runtime(), { seed, details, webPush: await webPush() });
    expect(again?.report.alreadyInvited).toBe(4);
    const participant = await raw(db, 'participants').findOne({ _id: web.email });
    expect(participant?.['workshopInvitation']).toBeUndefined();
  }, 60_000);

  it('is said once in memory storage too (the same semantics as MongoDB)', async () => {
    const { storage, shown, handleTurn, identity, participantId } = await heldInMemory(
      consultation,
      '2017-12-02T10:00:00Z',
    );
    const visit = await handleTurn(identity, { kind: 'text', text: 'bonjour' });
    expect(visit.replies[0]?.text).toBe('Vous êtes invité.');
    expect(shown).toEqual([`cc2017:s/${participantId}`]);
    expect(storage.data.participants.get(participantId)?.workshopInvitation).toBeUndefined();
    const next = await handleTurn(identity, { kind: 'text', text: 'bonjour' });
    expect(next.replies.map((r) => r.text)).not.toContain('Vous êtes invité.');
    expect(shown).toHaveLength(1);
  });

  it('is not said once the workshop is over (its contacts deleted), only cleared', async () => {
    const workshop = consultation.workshop;
    if (workshop === undefined) throw new Error('the consultation has no workshop');
    const over = {
      ...consultation,
      workshop: { ...workshop, deleteAfter: '2017-12-20T00:00:00+01:00' },
    };
    const { storage, shown, handleTurn, identity, participantId } = await heldInMemory(
      over,
      '2017-12-21T10:00:00Z',
    );
    const visit = await handleTurn(identity, { kind: 'text', text: 'bonjour' });
    expect(visit.replies.map((r) => r.text)).not.toContain('Vous êtes invité.');
    expect(shown).toEqual([]);
    expect(storage.data.participants.get(participantId)?.workshopInvitation).toBeUndefined();
  });
});

/** A web participant in memory storage with an invitation held for their next visit, at `now`. */
async function heldInMemory(held: typeof consultation, now: string) {
  const storage = memoryStorage();
  const shown: string[] = [];
  const handleTurn = createTurnHandler({
    storage,
    engine: {
      consultation: held,
      catalog: defaultCatalog,
      councils: new CouncilIndex(sampleCouncils),
    },
    now: () => new Date(now),
    invitationShown: async (drawId, participantId) => {
      shown.push(`${drawId}/${participantId}`);
    },
  });
  const identity = { channel: 'web' as const, externalId: 'memory-visitor' };
  const first = await handleTurn(identity, { kind: 'start' });
  const participantId = first.participantId ?? '';
  const doc = storage.data.participants.get(participantId);
  if (doc === undefined) throw new Error('no participant');
  storage.data.participants.set(participantId, {
    ...doc,
    workshopInvitation: { drawId: 'cc2017:s', text: 'Vous êtes invité.', at },
  });
  return { storage, shown, handleTurn, identity, participantId };
}
