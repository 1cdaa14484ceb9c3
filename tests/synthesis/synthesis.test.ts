import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSynthesis, synthesisJson } from '../../bot/synthesis/build-synthesis.js';
import { summarizeConsultation } from '../../bot/synthesis/summarize-consultation.js';
import type {
  ChoiceQuestionSynthesis,
  QuestionSynthesis,
  ScaleQuestionSynthesis,
  SynthesisReport,
  TextQuestionSynthesis,
} from '../../bot/synthesis/synthesis-report.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  importPlantedCouncils,
  insertConsultation,
  plantedConsultation,
  plantedCouncils,
  plantedGroups,
} from './generate-consultation.js';

const planted = plantedConsultation();
let database: TestDatabase;
let report: SynthesisReport;

beforeAll(async () => {
  database = await useTestDatabase();
  await importPlantedCouncils(database.db);
  await insertConsultation(database.db, planted);
  report = await build();
});

afterAll(() => database.drop());

function build(councilIds?: string[]) {
  return buildSynthesis(
    {
      db: database.db,
      storage: mongoStorage(database.db),
      consultation: planted.consultation,
      catalog: defaultCatalog,
    },
    { councilIds },
  );
}

function question(r: SynthesisReport, id: string): QuestionSynthesis {
  const found = r.themes.flatMap((t) => t.questions).find((q) => q.id === id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
}

function choice(r: SynthesisReport, id: string): ChoiceQuestionSynthesis {
  const q = question(r, id);
  if (q.type === 'scale' || q.type === 'text') throw new Error(`${id} is no choice question`);
  return q;
}

function scale(r: SynthesisReport, id: string): ScaleQuestionSynthesis {
  const q = question(r, id);
  if (q.type !== 'scale') throw new Error(`${id} is no scale`);
  return q;
}

function text(r: SynthesisReport, id: string): TextQuestionSynthesis {
  const q = question(r, id);
  if (q.type !== 'text') throw new Error(`${id} is no text question`);
  return q;
}

const counts = (q: ChoiceQuestionSynthesis) =>
  q.choices.filter((c) => c.count > 0).map((c) => [c.id, c.count, c.percent]);

describe('the synthesis of a generated consultation with known answers', () => {
  it('counts participation: consented people only, by council and by role', () => {
    const p = report.participation;
    expect([p.participants, p.started, p.completed]).toEqual([200, 190, 150]);
    expect(
      p.byCouncil.map((c) => [c.councilId, c.name, c.participants, c.started, c.completed]),
    ).toEqual([
      ['QN05981M', 'Nouveau Roubaix', 120, 120, 120],
      ['QN05983M', 'Phalempins', 60, 60, 30],
      [null, null, 20, 10, 0],
    ]);
    expect(p.byCouncil[1]?.themesFinished).toMatchObject({ education: 60, formation: 30 });
    expect(p.byRole.map((r) => [r.role, r.participants, r.started, r.completed])).toEqual([
      ['acteur', 40, 38, 30],
      ['tire', 100, 95, 75],
      ['volontaire', 60, 57, 45],
    ]);
    expect(p.byRole[1]?.label?.fr).toBe('Habitant tiré au sort');
    const education = report.themes[0]?.participation;
    expect([education?.started, education?.finished]).toEqual([190, 190]);
    const formation = report.themes[2]?.participation;
    expect([formation?.started, formation?.finished]).toEqual([150, 150]);
    expect(education?.byRole.find((r) => r.role === 'tire')).toEqual({
      role: 'tire',
      started: 95,
      finished: 95,
    });
  });

  it('gives exact counts and percentages of opinions, « Sans avis » apart', () => {
    const ideas = choice(report, 'edu_idees');
    expect([ideas.respondents, ideas.opinions, ideas.noOpinion]).toEqual([
      190,
      180,
      { count: 10, percent: 5.3 },
    ]);
    // Most chosen first; several answers each, so the percentages add up to more than 100.
    expect(counts(ideas)).toEqual([
      ['devoirs', 90, 50],
      ['parents', 60, 33.3],
      ['orient', 45, 25],
      ['other', 18, 10],
      ['classes', 12, 6.7],
    ]);
    expect(ideas.choices.map((c) => c.id)).not.toContain('sans_avis');
    const needs = choice(report, 'par_besoin');
    // The answer left behind by « parent ? → non » is not counted: 90, not 91.
    expect([needs.respondents, needs.opinions, needs.noOpinion?.count]).toEqual([90, 80, 10]);
    expect(counts(needs)).toEqual([
      ['garde', 40, 50],
      ['echange', 24, 30],
      ['conseils', 8, 10],
      ['other', 8, 10],
    ]);
    expect(counts(choice(report, 'atelier'))).toEqual([
      ['no', 90, 60],
      ['yes', 60, 40],
    ]);
  });

  it('ranks a ranking by mentions, ties in questionnaire order, with the count at each place', () => {
    const mobility = choice(report, 'mob_idees');
    expect(mobility.noOpinion).toEqual({ count: 15, percent: 10 });
    expect(mobility.choices.slice(0, 3).map((c) => [c.id, c.count, c.percent, c.ranks])).toEqual([
      ['frequence', 105, 77.8, [60, 45, 0]],
      ['horaires', 105, 77.8, [45, 60, 0]],
      ['prix', 90, 66.7, [30, 0, 60]],
    ]);
  });

  it('lists what followed « Autre », same words together, personal data masked', () => {
    expect(choice(report, 'edu_idees').other).toEqual({
      count: 18,
      texts: [
        { text: 'Des cours de théâtre', lang: 'fr', count: 15 },
        { text: 'Appelez-moi au [téléphone]', lang: 'fr', count: 3 },
      ],
    });
    expect(synthesisJson(report)).not.toContain('06 12 34 56 78');
  });

  it('scores urgency: mean and distribution of 1–5, « Sans avis » left out', () => {
    const urgency = scale(report, 'edu_urgence');
    expect([urgency.mean, urgency.opinions, urgency.noOpinion]).toEqual([
      3.95,
      180,
      { count: 10, percent: 5.3 },
    ]);
    expect(urgency.distribution.map((d) => [d.value, d.count, d.percent])).toEqual([
      [1, 9, 5],
      [2, 9, 5],
      [3, 36, 20],
      [4, 54, 30],
      [5, 72, 40],
    ]);
    expect(report.urgency.find((u) => u.questionId === 'mob_urgence')).toEqual({
      themeId: 'mobilite',
      questionId: 'mob_urgence',
      mean: 3,
      opinions: 150,
    });
  });

  it('finds the planted ideas with their sizes, keywords and masked quotes', () => {
    for (const [questionId, groups] of Object.entries(plantedGroups)) {
      const ideas = text(report, questionId);
      const shared = ideas.clusters.filter((c) => c.size > 1);
      expect(shared.map((c) => c.size)).toEqual(groups.map((g) => g.size));
      groups.forEach((group, i) => expect(shared[i]?.keywords).toContain(group.keyword));
      for (const cluster of shared) expect(cluster.quotes).toHaveLength(3);
    }
    const mobility = text(report, 'mob_marche');
    expect([mobility.respondents, mobility.singletons, mobility.withoutWords]).toEqual([50, 4, 1]);
    const homework = text(report, 'edu_marche').clusters[2];
    expect(homework?.quotes.every((q) => q.lang === 'en')).toBe(true);
    expect(mobility.clusters[0]?.quotes.map((q) => q.text)).toEqual([
      'plus de bus le soir',
      'Ce qui manque : plus de bus le soir',
      'Plus de bus le soir, c’est urgent',
    ]);
  });

  it('names no participant, and gives the same report from the same data', async () => {
    const json = synthesisJson(report);
    expect(json).not.toMatch(/00000000-0000-4000-8000/);
    expect(synthesisJson(await build())).toBe(json);
    // In memory, from the participants in another order: the same report.
    const again = await summarizeConsultation({
      consultation: planted.consultation,
      catalog: defaultCatalog,
      participants: [...planted.participants].reverse(),
      answers: planted.answers,
      councils: new Map(plantedCouncils.map((c) => [c.code, c])),
    });
    expect(synthesisJson(again)).toBe(json);
    expect(report.dataUpTo).toBe(planted.answers.at(-1)?.updatedAt.toISOString());
  });

  it('restricts everything to the councils asked for', async () => {
    const one = await build(['QN05983M']);
    expect(one.councilIds).toEqual(['QN05983M']);
    expect([one.participation.participants, one.participation.completed]).toEqual([60, 30]);
    expect(one.participation.byCouncil.map((c) => c.councilId)).toEqual(['QN05983M']);
    const ideas = choice(one, 'edu_idees');
    // Participants 120–179 of the planted list, all of whom answered education.
    expect(ideas.respondents).toBe(60);
    expect(ideas.noOpinion?.count).toBe(0);
    expect(text(one, 'mob_marche').respondents).toBe(0);
  });
});
