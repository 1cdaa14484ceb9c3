import type { Db } from 'mongodb';
import type { AnswerValue } from '../../dialogs/answer-value.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import type { Consultation, Question } from '../../dialogs/questionnaire-schema.js';
import { initialState, type Lang } from '../../dialogs/session-state.js';
import type {
  SynthesisAnswer,
  SynthesisParticipant,
} from '../../bot/synthesis/summarize-consultation.js';
import { SeededRandom } from '../../bot/workshop/seeded-random.js';
import { collections } from '../../storage/collections.js';
import { importCouncils } from '../../storage/council-repository.js';
import {
  answerDocSchema,
  participantDocSchema,
  type AnswerDoc,
  type ParticipantDoc,
} from '../../storage/documents.js';

/** A consultation's data as the generator made it, before it is stored. */
export interface GeneratedConsultation {
  consultation: Consultation;
  participants: (SynthesisParticipant & { createdAt: Date })[];
  /** Sorted by participant, then question, as storage streams them. */
  answers: SynthesisAnswer[];
}

export const plantedCouncils = [
  { code: 'QN05981M', name: 'Nouveau Roubaix', commune: 'Roubaix' },
  { code: 'QN05983M', name: 'Phalempins', commune: 'Tourcoing' },
];

/** Ids that sort in numeric order (storage streams answers sorted by participant id). */
export function participantIdOf(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

// The planted idea groups: every phrasing of a group shares its key stems.
const busSoir = combine(
  [
    'plus de bus le soir',
    'des bus plus tard le soir',
    'des bus en soirée',
    'des bus le soir après 21h',
    'un bus le soir pour rentrer',
    'des bus qui passent encore le soir',
  ],
  ['{c}', 'Il faudrait {c}', '{c} svp', 'Ce qui manque : {c}', '{C}, c’est urgent'],
);
const busFrequents = combine(
  [
    'des bus plus fréquents',
    'des bus fréquents la journée',
    'avoir des bus fréquents',
    'des bus fréquents et à l’heure',
    'des bus fréquents le matin',
  ],
  ['{c}', 'Il faudrait {c}', '{C} !'],
);
const aideDevoirs = combine(
  [
    'l’aide aux devoirs',
    'aider les enfants pour les devoirs',
    'une aide aux devoirs gratuite',
    'l’aide aux devoirs après l’école',
    'de l’aide pour faire les devoirs',
  ],
  ['{c}', 'Il faudrait {c}', '{C} le mercredi', 'Vraiment {c}'],
);
const mediatheque = combine(
  [
    'la médiathèque',
    'la médiathèque du quartier',
    'les livres de la médiathèque',
    'la médiathèque le samedi',
  ],
  ['{c}', '{C} !', 'J’aime {c}'],
);
const homework = [
  'Homework help',
  'Help with homework for the kids',
  'Homework help after school',
  'More homework help',
  'A homework club',
  'Free homework help',
];
const educationNoise = [
  'Une piscine',
  'Le marché du samedi',
  'Des jardins partagés',
  'Les éducateurs de rue',
];
const mobilityNoise = [
  'Le vélo',
  'La voiture de mon voisin',
  'Le tramway',
  'Des trottinettes',
  'Rien',
];

/** The planted groups, for tests: their size and a word each must have among its keywords. */
export const plantedGroups = {
  mob_marche: [
    { size: busSoir.length, keyword: 'soir' },
    { size: busFrequents.length, keyword: 'fréquents' },
  ],
  edu_marche: [
    { size: aideDevoirs.length, keyword: 'devoirs' },
    { size: mediatheque.length, keyword: 'médiathèque' },
    { size: homework.length, keyword: 'homework' },
  ],
} as const;

/**
 * A consultation with known answers (tests/synthesis/synthesis.test.ts checks its numbers):
 *
 * - 200 consented participants (ids 0–199) and 5 who never consented (200–204);
 * - councils: 0–119 Nouveau Roubaix, 120–179 Phalempins, 180–199 none;
 * - roles by i mod 10: 0–4 tiré au sort (100), 5–7 volontaire (60), 8–9 acteur (40);
 * - 0–149 answered everything and confirmed (completed); 150–189 answered education and
 *   emploi (in progress); 190–199 answered nothing; every 20th (19, 39, …) speaks English;
 * - two in five of 0–149 volunteer for the workshop (i mod 5 < 2);
 * - the planted distributions below, and in free text 30 ways of asking for « bus le soir »,
 *   15 for frequent buses, 20 for « aide aux devoirs », 12 about the médiathèque, 6 English
 *   answers about homework help, and a few lone answers.
 */
export function plantedConsultation(): GeneratedConsultation {
  const consultation = loadShipped();
  const at = new Date('2017-11-25T10:00:00Z');
  const participants: GeneratedConsultation['participants'] = [];
  for (let i = 0; i < 205; i += 1) {
    const role = i % 10 < 5 ? 'tire' : i % 10 < 8 ? 'volontaire' : 'acteur';
    const councilId = i < 120 ? 'QN05981M' : i < 180 ? 'QN05983M' : undefined;
    const status =
      i >= 200
        ? 'consent_pending'
        : i < 150
          ? 'completed'
          : i < 190
            ? 'in_progress'
            : 'not_started';
    participants.push({
      participantId: participantIdOf(i),
      consultationId: consultation.id,
      ...(councilId === undefined ? {} : { councilId }),
      ...(i < 200 ? { role } : {}),
      lang: i % 20 === 19 ? 'en' : 'fr',
      status,
      progress: {
        themesCompleted:
          status === 'completed'
            ? consultation.themes.map((t) => t.id)
            : status === 'in_progress'
              ? ['education', 'emploi']
              : [],
      },
      createdAt: at,
    });
  }
  const respondents = (themeId: string) =>
    participants.filter((p, i) =>
      i < 150 ? true : i < 190 ? themeId === 'education' || themeId === 'emploi' : false,
    );
  const plans: Record<string, AnswerValue[]> = {
    edu_urgence: [
      ...repeat(10, noOpinion()),
      ...repeat(72, scale(5)),
      ...repeat(54, scale(4)),
      ...repeat(36, scale(3)),
      ...repeat(9, scale(2)),
      ...repeat(9, scale(1)),
    ],
    edu_idees: [
      ...repeat(10, noOpinion()),
      ...repeat(45, choices('devoirs', 'orient')),
      ...repeat(45, choices('devoirs')),
      ...repeat(10, { kind: 'choices', choiceIds: ['other'], other: 'Des cours de théâtre' }),
      ...repeat(5, { kind: 'choices', choiceIds: ['other'], other: 'des cours de theatre !' }),
      ...repeat(3, {
        kind: 'choices',
        choiceIds: ['other'],
        other: 'Appelez-moi au 06 12 34 56 78',
      }),
      ...repeat(12, choices('classes')),
      ...repeat(60, choices('parents')),
    ],
    mob_idees: [
      ...repeat(15, noOpinion()),
      ...repeat(60, ranking('frequence', 'horaires', 'prix')),
      ...repeat(45, ranking('horaires', 'frequence')),
      ...repeat(30, ranking('prix')),
    ],
    mob_urgence: [...repeat(75, scale(4)), ...repeat(75, scale(2))],
    par_parent: [...repeat(90, yesno(true)), ...repeat(60, yesno(false))],
    par_besoin: [
      ...repeat(10, noOpinion()),
      ...repeat(40, { kind: 'choice', choiceId: 'garde' }),
      ...repeat(24, { kind: 'choice', choiceId: 'echange' }),
      ...repeat(8, { kind: 'choice', choiceId: 'other', other: 'Une ludothèque' }),
      ...repeat(8, { kind: 'choice', choiceId: 'conseils' }),
    ],
    // Two in five volunteer, spread over both councils: 60 « oui », 90 « non ».
    atelier: Array.from({ length: 150 }, (_, i) => yesno(i % 5 < 2)),
  };
  const texts: Record<string, { fr: string[]; en: string[] }> = {
    edu_marche: { fr: [...aideDevoirs, ...mediatheque, ...educationNoise], en: homework },
    mob_marche: { fr: [...busSoir, ...busFrequents, ...mobilityNoise], en: [] },
  };
  const answers = new Map<string, Map<string, AnswerValue>>();
  const give = (participantId: string, questionId: string, value: AnswerValue) => {
    const mine = answers.get(participantId) ?? new Map<string, AnswerValue>();
    mine.set(questionId, value);
    answers.set(participantId, mine);
  };
  for (const theme of consultation.themes) {
    const people = respondents(theme.id);
    for (const question of theme.questions) {
      const shown = question.id === 'par_besoin' ? people.slice(0, 90) : people;
      const plan = plans[question.id];
      const planted = texts[question.id];
      const next = { fr: 0, en: 0 };
      shown.forEach((p, i) => {
        if (planted) {
          const text = planted[p.lang][next[p.lang]];
          next[p.lang] += 1;
          give(
            p.participantId,
            question.id,
            text === undefined ? { kind: 'skipped' } : { kind: 'text', text },
          );
          return;
        }
        give(p.participantId, question.id, plan?.[i] ?? defaultAnswer(question));
      });
    }
  }
  // An answer left behind when « parent ? » became « non »: not shown, so never counted.
  give(participantIdOf(149), 'par_besoin', { kind: 'choice', choiceId: 'garde' });
  return { consultation, participants, answers: answerRows(answers, at) };
}

/**
 * A national-sized consultation for the benchmark: `count` participants in `councils`
 * councils answering everything at random (seeded), and `texts` free-text answers drawn
 * from the planted groups and lone phrases.
 */
export function largeConsultation(
  count: number,
  texts: number,
  councilIds: readonly string[],
): GeneratedConsultation {
  const consultation = loadShipped();
  const random = new SeededRandom('bench-synthesis');
  const at = new Date('2017-11-25T10:00:00Z');
  const bank = [
    ...busSoir,
    ...busFrequents,
    ...aideDevoirs,
    ...mediatheque,
    ...educationNoise,
    ...mobilityNoise,
  ];
  const textQuestions = consultation.themes.flatMap((t) =>
    t.questions.filter((q) => q.type === 'text'),
  );
  const participants: GeneratedConsultation['participants'] = [];
  const answers = new Map<string, Map<string, AnswerValue>>();
  let textsLeft = texts;
  for (let i = 0; i < count; i += 1) {
    const participantId = participantIdOf(i);
    const lang: Lang = i % 20 === 19 ? 'en' : 'fr';
    participants.push({
      participantId,
      consultationId: consultation.id,
      councilId: councilIds[random.below(councilIds.length)]!,
      role: ['tire', 'volontaire', 'acteur'][random.below(3)]!,
      lang,
      status: 'completed',
      progress: { themesCompleted: consultation.themes.map((t) => t.id) },
      createdAt: at,
    });
    const mine = new Map<string, AnswerValue>();
    for (const question of consultation.themes.flatMap((t) => t.questions)) {
      if (question.type === 'text') {
        const wanted = textsLeft > 0 && random.below(count * textQuestions.length) < texts * 1.2;
        if (wanted) textsLeft -= 1;
        const words = lang === 'en' ? homework : bank;
        mine.set(
          question.id,
          wanted
            ? {
                kind: 'text',
                text: `${words[random.below(words.length)]} ${bank[random.below(bank.length)]}`,
              }
            : { kind: 'skipped' },
        );
      } else mine.set(question.id, randomAnswer(question, random));
    }
    answers.set(participantId, mine);
  }
  return { consultation, participants, answers: answerRows(answers, at) };
}

/** The councils of the planted consultation, in the store (their INSEE code is Roubaix's for both). */
export async function importPlantedCouncils(db: Db): Promise<void> {
  await importCouncils(
    db,
    plantedCouncils.map((c) => ({
      code: c.code,
      name: c.name,
      commune: c.commune,
      communeInsee: '59512',
      department: '59',
      departmentName: 'Nord',
    })),
  );
}

/** Stores the generated participants and answers as real documents (checked by their schemas). */
export async function insertConsultation(db: Db, data: GeneratedConsultation): Promise<void> {
  const c = collections(db);
  const docs: ParticipantDoc[] = data.participants.map((p, i) => {
    const state = {
      ...initialState(data.consultation.id, p.lang),
      stage:
        p.status === 'completed'
          ? 'done'
          : p.status === 'consent_pending'
            ? 'consent'
            : 'questions',
      consented: p.status !== 'consent_pending',
      greeted: true,
    };
    return participantDocSchema.parse({
      _id: p.participantId,
      version: 2,
      // Even ones on Telegram (a numeric chat id), odd ones on the web.
      identities: [
        i % 2 === 0
          ? { channel: 'telegram', externalId: String(100_000 + i) }
          : { channel: 'web', externalId: `web-${i}` },
      ],
      consultationId: p.consultationId,
      ...(p.councilId === undefined ? {} : { councilId: p.councilId }),
      ...(p.role === undefined ? {} : { role: p.role }),
      lang: p.lang,
      ...(p.status === 'consent_pending'
        ? {}
        : { consent: { at: p.createdAt, textVersion: '2017-11-22' } }),
      status: p.status,
      progress: { answered: 0, themesCompleted: [...p.progress.themesCompleted], themesLeft: 0 },
      remindersOff: false,
      unreachable: false,
      reminders: { received: 0 },
      createdAt: p.createdAt,
      updatedAt: p.createdAt,
      lastActivityAt: p.createdAt,
      state,
      recentInboundIds: [],
      lastTurn: { version: 2, at: p.createdAt, channel: 'web', replies: [], answers: [] },
    });
  });
  const answerDocs: AnswerDoc[] = data.answers.map((a) =>
    answerDocSchema.parse({
      _id: `${a.participantId}:${a.questionId}`,
      participantId: a.participantId,
      questionId: a.questionId,
      consultationId: data.consultation.id,
      value: a.value,
      questionnaireVersion: data.consultation.version,
      channel: 'web',
      answeredAt: a.updatedAt,
      updatedAt: a.updatedAt,
      turn: 2,
      history: [],
    }),
  );
  for (let i = 0; i < docs.length; i += 1000)
    await c.participants.insertMany(docs.slice(i, i + 1000));
  for (let i = 0; i < answerDocs.length; i += 2000)
    await c.answers.insertMany(answerDocs.slice(i, i + 2000));
}

function loadShipped(): Consultation {
  const loaded = shippedConsultation();
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.consultation;
}

function answerRows(
  answers: ReadonlyMap<string, ReadonlyMap<string, AnswerValue>>,
  at: Date,
): SynthesisAnswer[] {
  const rows: SynthesisAnswer[] = [];
  let minute = 0;
  for (const participantId of [...answers.keys()].sort()) {
    const mine = answers.get(participantId)!;
    for (const questionId of [...mine.keys()].sort()) {
      minute += 1;
      rows.push({
        participantId,
        questionId,
        value: mine.get(questionId)!,
        updatedAt: new Date(at.getTime() + minute * 60_000),
      });
    }
  }
  return rows;
}

function defaultAnswer(question: Question): AnswerValue {
  switch (question.type) {
    case 'single':
      return { kind: 'choice', choiceId: question.choices[0]!.id };
    case 'multiple':
      return { kind: 'choices', choiceIds: [question.choices[0]!.id] };
    case 'ranking':
      return { kind: 'ranking', choiceIds: [question.choices[0]!.id] };
    case 'scale':
      return scale(3);
    case 'yesno':
      return yesno(true);
    case 'text':
      return { kind: 'skipped' };
  }
}

function randomAnswer(question: Question, random: SeededRandom): AnswerValue {
  switch (question.type) {
    case 'single':
      return {
        kind: 'choice',
        choiceId: question.choices[random.below(question.choices.length)]!.id,
      };
    case 'multiple':
    case 'ranking': {
      const picks = random.shuffle(question.choices.map((c) => c.id)).slice(0, 1 + random.below(2));
      return question.type === 'multiple'
        ? { kind: 'choices', choiceIds: picks }
        : { kind: 'ranking', choiceIds: picks };
    }
    case 'scale':
      return random.below(10) === 0 ? noOpinion() : scale(1 + random.below(5));
    case 'yesno':
      return yesno(random.below(3) === 0);
    case 'text':
      return { kind: 'skipped' };
  }
}

function combine(cores: readonly string[], wrappers: readonly string[]): string[] {
  return cores.flatMap((core) =>
    wrappers.map((w) =>
      w.replace('{c}', core).replace('{C}', core[0]!.toUpperCase() + core.slice(1)),
    ),
  );
}

function repeat(n: number, value: AnswerValue): AnswerValue[] {
  return Array.from({ length: n }, () => structuredClone(value));
}

function noOpinion(): AnswerValue {
  return { kind: 'choice', choiceId: 'sans_avis' };
}

function scale(value: number): AnswerValue {
  return { kind: 'scale', value };
}

function yesno(value: boolean): AnswerValue {
  return { kind: 'yesno', value };
}

function choices(...choiceIds: string[]): AnswerValue {
  return { kind: 'choices', choiceIds };
}

function ranking(...choiceIds: string[]): AnswerValue {
  return { kind: 'ranking', choiceIds };
}
