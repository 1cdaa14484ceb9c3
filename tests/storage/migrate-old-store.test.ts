import { readFileSync } from 'node:fs';
import { BSON, type Db, type Document } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { sessionStateSchema } from '../../dialogs/session-state.js';
import { migrateOldStore, unrecordedConsentText } from '../../storage/migrate-old-store.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { runMigrations } from '../../storage/run-migrations.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';
import { consultation } from './turn-commit.js';

/**
 * tests/storage/fixtures/old-store.json: every collection of a database filled through the
 * store used until 2026-12-01 (MongoConversationStore, commit 4774d5f, by a script since
 * removed with it): Awa finished and changed an answer, Bilal (Telegram) is half-way and
 * blocked the bot, Chloé never consented, Driss refused, Emma asked to be deleted, Farid
 * moved from Telegram to the web with a code, Gaëlle's last turn was committed but its
 * effects never applied (a crash).
 */
const fixture: Record<string, Document[]> = BSON.EJSON.parse(
  readFileSync(new URL('./fixtures/old-store.json', import.meta.url), 'utf8'),
  { relaxed: true },
);
const context = { consultation, catalog: defaultCatalog };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const awa = id(1);
const bilal = id(2);
const chloe = id(3);
const driss = id(4);
const emma = id(5);
const farid = id(6);
const faridStub = id(7);
const gaelle = id(8);

async function load(db: Db): Promise<void> {
  for (const [name, docs] of Object.entries(fixture))
    if (docs.length > 0) await db.collection(name).insertMany(docs);
}

/** Every collection as it is now, for comparing two states of the database. */
async function dump(db: Db): Promise<Record<string, Document[]>> {
  const all: Record<string, Document[]> = {};
  for (const { name } of await db.listCollections().toArray())
    if (name !== 'migrations')
      all[name] = await db.collection(name).find().sort({ _id: 1 }).toArray();
  return all;
}

/** The newest whole session of a participant in the fixture: its state, as JSON text. */
function newestState(participantId: string): unknown {
  const versions = (fixture['sessions'] ?? []).filter((s) => s['participantId'] === participantId);
  const newest = versions.sort((a, b) => Number(b['version']) - Number(a['version']))[0];
  return JSON.parse(String(newest?.['state']));
}

describe('migration from the versioned sessions store', () => {
  let database: TestDatabase;
  let db: Db;
  beforeEach(async () => {
    database = await useTestDatabase();
    db = database.db;
    await load(db);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('keeps every answer, transcript, state and identity in the new model', async () => {
    await runMigrations(db, context);
    const storage = mongoStorage(db);
    // Every answer of someone not erased is there, with its current value.
    const answers = await raw(db, 'answers').find().toArray();
    const before = (fixture['answers'] ?? []).filter((a) => a['participantId'] !== emma);
    for (const old of before)
      expect(answers.find((a) => a._id === old['_id'])).toMatchObject({
        participantId: old['participantId'],
        questionId: old['questionId'],
        value: old['value'],
        questionnaireVersion: old['questionnaireVersion'],
        answeredAt: old['answeredAt'],
        updatedAt: old['updatedAt'],
        turn: old['sessionVersion'],
      });
    // Plus Gaëlle's answer from the turn a crash left half-done.
    const crashed = answers.find((a) => a.participantId === gaelle && a['value']?.text === 'Crash');
    expect(crashed).toMatchObject({ history: [] });
    expect(answers).toHaveLength(before.length + 1);
    // A changed answer keeps the previous value (only) in its history; labels are filled in.
    const changed = answers.find((a) => a._id === `${awa}:edu_marche`);
    expect(changed?.['history']).toEqual([
      expect.objectContaining({ value: { kind: 'text', text: 'Des bus plus tard le soir' } }),
    ]);
    expect(answers.find((a) => a._id === `${awa}:role`)).toMatchObject({
      label: expect.any(String),
    });
    for (const a of answers) expect(a).not.toHaveProperty('sessionVersion');

    // Every transcript stays, and the crashed turn's is written.
    const transcripts = await raw(db, 'transcripts').distinct('_id');
    for (const old of fixture['transcripts'] ?? []) expect(transcripts).toContain(old['_id']);
    const gaelleVersion = Math.max(
      ...(fixture['sessions'] ?? [])
        .filter((s) => s['participantId'] === gaelle)
        .map((s) => Number(s['version'])),
    );
    expect(transcripts).toContain(`${gaelle}:${gaelleVersion}`);

    // Each identity loads its participant, with the newest state and version.
    for (const link of fixture['identities'] ?? []) {
      const identity = { channel: link['channel'], externalId: link['externalId'] };
      const loaded = await storage.participants.load(identity);
      expect(loaded?.participantId).toBe(link['participantId']);
      const state = sessionStateSchema.parse(newestState(String(link['participantId'])));
      expect(loaded?.state).toEqual(
        link['participantId'] === bilal ? { ...state, unreachable: true } : state,
      );
    }
    expect(await storage.participants.get(awa)).toMatchObject({
      status: 'completed',
      councilId: 'QN05981M',
      consent: { textVersion: unrecordedConsentText },
      progress: { themesLeft: 0 },
      completedAt: expect.any(Date),
    });
    expect(await storage.participants.get(bilal)).toMatchObject({
      status: 'in_progress',
      unreachable: true,
    });
    expect(await storage.participants.get(farid)).toMatchObject({
      identities: [
        { channel: 'telegram', externalId: '5151' },
        { channel: 'web', externalId: 'dl_farid' },
      ],
    });
    // Never consented: kept as such, with nothing they typed.
    for (const pending of [chloe, driss])
      expect(await storage.participants.get(pending)).toMatchObject({ status: 'consent_pending' });
    // Emma (erased) and the stub Farid left on the web before his code are gone.
    for (const gone of [emma, faridStub]) {
      expect(await storage.participants.get(gone)).toBeNull();
      expect(await raw(db, 'answers').countDocuments({ participantId: gone })).toBe(0);
    }
    expect(await raw(db, 'deletions').find().toArray()).toEqual(fixture['deletions']);
    expect(await raw(db, 'participants').countDocuments({})).toBe(6);
    // The old collections are gone; the migration is recorded.
    const names = (await db.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('sessions');
    expect(names).not.toContain('processed_inbound');
    expect(await raw(db, 'migrations').findOne({})).toMatchObject({
      finishedAt: expect.any(Date),
      report: { participants: 6, erased: 1, pendingTurns: 1 },
    });
  });

  it('changes nothing when run again, and once only when two processes start at once', async () => {
    await Promise.all([runMigrations(db, context), runMigrations(db, context)]);
    // One record per migration (this one and the Direct Line one), each run once.
    expect(await raw(db, 'migrations').countDocuments({})).toBe(2);
    const first = await dump(db);
    await migrateOldStore(db, context);
    await runMigrations(db, context);
    expect(await dump(db)).toEqual(first);
  });

  it('lets the next turn continue where the old store stopped', async () => {
    await runMigrations(db, context);
    const storage = mongoStorage(db);
    const loaded = await storage.participants.load({ channel: 'telegram', externalId: '4242' });
    expect(loaded?.version).toBe(
      Math.max(
        ...(fixture['sessions'] ?? [])
          .filter((s) => s['participantId'] === bilal)
          .map((s) => Number(s['version'])),
      ),
    );
    expect(loaded?.recentInboundIds.length).toBeGreaterThan(0);
  });
});
