import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersWideColumns } from '../../bot/exports/answers-wide-export.js';
import { participantsColumns } from '../../bot/exports/participants-export.js';
import { collections } from '../../storage/collections.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { exportObjects, personas, seedExportData, type Seeded } from './seeded-exports.js';

let database: TestDatabase;
let seeded: Seeded;
type Row = Record<string, string | number>;

beforeAll(async () => {
  database = await useTestDatabase();
  seeded = await seedExportData(database.db);
});

afterAll(async () => {
  await database.drop();
});

const exportOf = (kind: string, options: Record<string, string | string[]> = {}) =>
  exportObjects(database.db, kind, options);
const people = (rows: Row[]) => new Set(rows.map((r) => r['participant']));

describe('what the exports hold', () => {
  it('long and wide agree: each wide cell is the long rows of that answer', async () => {
    const [long, wide, codebook] = await Promise.all([
      exportOf('answers'),
      exportOf('answers', { wide: '' }),
      exportOf('codebook'),
    ]);
    const questions = [...new Set(codebook.map((r) => String(r['question'])))];
    expect(Object.keys(wide[0] ?? {}).length).toBeGreaterThan(answersWideColumns.length);
    expect(people(wide)).toEqual(people(long));
    for (const row of wide) {
      for (const question of questions) {
        const parts = long
          .filter((r) => r['participant'] === row['participant'] && r['question'] === question)
          .map((r) => {
            const label = r['label'] === undefined ? [] : [String(r['label'])];
            const text = r['text'] === undefined ? [] : [String(r['text'])];
            return `${r['rank'] === undefined ? '' : `${r['rank']}. `}${[...label, ...text].join(' : ')}`;
          });
        expect(row[question], `${question} of ${row['participant']}`).toBe(
          parts.length > 0 ? parts.join(' | ') : undefined,
        );
      }
    }
    // Ana's ranking came through with its ranks.
    expect(
      long
        .filter((r) => r['participant'] === seeded.pseudonyms.ana && r['question'] === 'emp_frein')
        .map((r) => r['rank']),
    ).toEqual([1, 2, 3]);
  });

  it('the codebook has every code that appears, with its labels in both languages', async () => {
    const [codebook, long] = await Promise.all([exportOf('codebook'), exportOf('answers')]);
    const known = new Map(codebook.map((r) => [`${r['question']}:${r['code'] ?? ''}`, r]));
    const used = new Set(
      long.filter((r) => r['code'] !== undefined).map((r) => `${r['question']}:${r['code']}`),
    );
    expect(used.size).toBeGreaterThan(20);
    for (const key of used) expect(known.has(key), key).toBe(true);
    for (const row of long.filter((r) => r['code'] !== undefined))
      expect(row['label']).toBe(known.get(`${row['question']}:${row['code']}`)?.['label_fr']);
    expect(known.get('edu_idees:sans_avis')).toMatchObject({
      label_fr: 'Sans avis',
      label_en: 'No opinion',
    });
    expect(known.get('edu_urgence:5')).toMatchObject({
      label_fr: 'Très urgent',
      label_en: 'Very urgent',
    });
    expect(known.get('par_besoin:other')).toMatchObject({
      condition: 'par_parent in yes',
      free_text: 'yes',
    });
    expect(known.get('par_parent:yes')).toMatchObject({
      type: 'yesno',
      questionnaire_version: '2017-11-22.2',
    });
    expect(codebook.find((r) => r['question'] === 'edu_marche')).toMatchObject({
      question_text_en: expect.stringContaining('neighbourhood'),
      limits: '2-600 characters',
    });
  });

  it('labels in English on request, and the participant language as a filter', async () => {
    const english = await exportOf('answers', { labels: 'en', lang: 'en' });
    expect(people(english)).toEqual(new Set([seeded.pseudonyms.ben]));
    expect(english[0]).toMatchObject({
      question: 'role',
      question_text: expect.stringContaining('citizen council'),
      language: 'en',
      channel: 'web',
      status: 'in_progress',
    });
  });

  it('filters: councils, départements, themes, status, dates, channels', async () => {
    const { ana, ben, chloe } = seeded.pseudonyms;
    expect(people(await exportOf('answers', { council: 'QN05981M' }))).toEqual(new Set([ana]));
    expect(people(await exportOf('answers', { council: 'qn05981m,QN00101M' }))).toEqual(
      new Set([ana, chloe]),
    );
    expect(people(await exportOf('answers', { department: '59' }))).toEqual(new Set([ana, ben]));
    expect(people(await exportOf('answers', { department: '59', council: 'QN00101M' }))).toEqual(
      new Set(),
    );
    expect(people(await exportOf('participants', { completed: '' }))).toEqual(
      new Set([ana, chloe]),
    );
    expect(people(await exportOf('participants', { status: 'in_progress' }))).toEqual(
      new Set([ben]),
    );
    const culture = await exportOf('answers', { theme: 'culture' });
    expect(new Set(culture.map((r) => r['theme']))).toEqual(new Set(['culture']));
    const wideCulture = await exportOf('answers', { theme: 'culture', wide: '' });
    expect(
      Object.keys(wideCulture[0] ?? {}).filter((k) => !new Set<string>(answersWideColumns).has(k)),
    ).toEqual(['cul_marche', 'cul_idees', 'cul_urgence', 'atelier']);
    // Ben answered on 28 November (Paris), Chloé on 1 December, Ana on the 23rd.
    expect(people(await exportOf('answers', { since: '2017-11-28', until: '2017-11-30' }))).toEqual(
      new Set([ben]),
    );
    expect(people(await exportOf('answers', { since: '2017-12-01T09:00+01:00' }))).toEqual(
      new Set([chloe]),
    );
    expect(people(await exportOf('answers', { channel: 'telegram' }))).toEqual(new Set([ana]));
    expect(people(await exportOf('transcripts', { channel: 'console' }))).toEqual(new Set([chloe]));
    expect(people(await exportOf('participants', { until: '2017-11-24' }))).toEqual(new Set([ana]));
  });

  it('times to the minute in Paris time with the offset', async () => {
    const ben = await exportOf('answers', { council: 'QN05983M' });
    // 17:42 UTC on 28 November is 18:42 in Paris (+01:00); each turn is a minute later.
    expect(ben[0]?.['answered_at']).toMatch(/^2017-11-28T18:4\d\+01:00$/);
  });

  it('an erased participant is in no export, and left nothing behind', async () => {
    const { dan } = seeded.pseudonyms;
    for (const kind of ['answers', 'participants', 'transcripts']) {
      expect(people(await exportOf(kind)).has(dan), kind).toBe(false);
      expect(people(await exportOf(kind, { council: personas.dan.councilId })).has(dan), kind).toBe(
        false,
      );
    }
    expect(people(await exportOf('answers', { wide: '' })).has(dan)).toBe(false);
    // An answer left behind by an erasure cut short is not exported either.
    await collections(database.db).answers.insertOne({
      _id: `${seeded.ids.dan}:edu_marche`,
      participantId: seeded.ids.dan,
      questionId: 'edu_marche',
      consultationId: 'cc2017',
      value: { kind: 'text', text: 'reste' },
      questionnaireVersion: '2017-11-22.2',
      answeredAt: new Date(),
      updatedAt: new Date(),
      turn: 1,
      history: [],
    });
    expect(people(await exportOf('answers')).has(dan)).toBe(false);
  });

  it('participants: pseudonymised, with consent and progress, never a channel id', async () => {
    const rows = await exportOf('participants');
    expect(rows).toHaveLength(3);
    const ana = rows.find((r) => r['participant'] === seeded.pseudonyms.ana);
    expect(ana).toMatchObject({
      council: 'QN05981M',
      council_name: 'Nouveau Roubaix',
      department: '59',
      role: 'tire',
      language: 'fr',
      channels: 'telegram',
      status: 'completed',
      consent_version: '2017-11-22',
      reminders_received: 0,
      themes_left: 0,
    });
    expect(ana?.['consented_at']).toMatch(/^2017-11-23T10:0\d\+01:00$/);
    expect(Object.keys(ana ?? {}).every((k) => new Set<string>(participantsColumns).has(k))).toBe(
      true,
    );
    const text = JSON.stringify(rows);
    for (const id of Object.values(seeded.ids)) expect(text).not.toContain(id);
    expect(text).not.toMatch(/"101"|dl_ben|chloe/);
  });

  it('transcripts: every message in and out, in order, masked', async () => {
    const rows = await exportOf('transcripts', { council: 'QN05981M' });
    expect(people(rows)).toEqual(new Set([seeded.pseudonyms.ana]));
    const order = rows.map((r) => [Number(r['turn']), Number(r['line'])]);
    expect(order).toEqual([...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
    expect(new Set(rows.map((r) => r['direction']))).toEqual(new Set(['in', 'out']));
    const said = rows.filter((r) => r['direction'] === 'in').map((r) => r['text']);
    expect(said).toContain('Appelez-moi au [téléphone] ; ou écrivez à [e-mail]');
    expect(JSON.stringify(rows)).not.toContain('06 12 34 56 78');
    const raw = await exportOf('transcripts', { council: 'QN05981M', raw: '' });
    expect(raw.map((r) => r['text'])).toContain(personas.ana.texts[3]);
    expect(raw).toHaveLength(rows.length);
  });
});
