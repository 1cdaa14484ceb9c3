import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import { isVisible } from '../../dialogs/questionnaire-walk.js';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Catalog } from '../../dialogs/translate.js';
import type { ParticipantStatus } from '../../storage/documents.js';
import { compare } from './cluster-proposals.js';
import {
  synthesisFormat,
  type CouncilParticipation,
  type RoleParticipation,
  type SynthesisReport,
  type ThemeSynthesis,
  type UrgencyScore,
} from './synthesis-report.js';
import { tallyQuestion, type Label, type QuestionTally } from './tally-question.js';

/** What the synthesis reads of a participant. */
export interface SynthesisParticipant {
  participantId: string;
  consultationId: string;
  councilId?: string | undefined;
  role?: string | undefined;
  lang: Lang;
  status: ParticipantStatus;
  progress: { themesCompleted: readonly string[] };
}

/** What the synthesis reads of an answer. */
export interface SynthesisAnswer {
  participantId: string;
  questionId: string;
  value: AnswerValue;
  updatedAt: Date;
}

export interface SynthesisInput {
  consultation: Consultation;
  catalog: Catalog;
  participants: Iterable<SynthesisParticipant> | AsyncIterable<SynthesisParticipant>;
  /** Grouped by participant (storage streams them sorted by participant, then question). */
  answers: Iterable<SynthesisAnswer> | AsyncIterable<SynthesisAnswer>;
  /** Names of the councils, by id (unknown ones are shown by id). */
  councils: ReadonlyMap<string, { name: string; commune: string }>;
  /** Only these councils; null or absent: all. */
  councilIds?: readonly string[] | null | undefined;
  /** The language of the masks in quotes. */
  lang?: Lang | undefined;
  quotesPerCluster?: number | undefined;
  clusterThreshold?: number | undefined;
}

/**
 * The synthesis of a consultation from its participants and answers: participation, the
 * distribution of every closed question, urgency scores and the clustered proposals, per
 * theme. Only consented participants of the chosen councils count, and only answers to
 * questions they were shown (an answer left behind by a changed condition is not counted).
 *
 * @example const report = await summarizeConsultation({ consultation, catalog, participants, answers, councils })
 */
export async function summarizeConsultation(input: SynthesisInput): Promise<SynthesisReport> {
  const { consultation, catalog } = input;
  const lang = input.lang ?? 'fr';
  const fr = translator(catalog, 'fr');
  const en = translator(catalog, 'en');
  const label: Label = (key) => ({ fr: fr(key), en: en(key) });
  const only = input.councilIds ? new Set(input.councilIds) : null;
  const people = new Map<string, SynthesisParticipant>();
  for await (const p of input.participants) {
    if (p.consultationId !== consultation.id || p.status === 'consent_pending') continue;
    if (only && (p.councilId === undefined || !only.has(p.councilId))) continue;
    people.set(p.participantId, p);
  }
  const options = {
    lang,
    quotesPerCluster: input.quotesPerCluster ?? 3,
    clusterThreshold: input.clusterThreshold,
  };
  const tallies = new Map<string, QuestionTally>();
  const questions = consultation.themes.map((theme) =>
    theme.questions.map((question) => {
      const tally = tallyQuestion(question, label, options);
      tallies.set(question.id, tally);
      return tally;
    }),
  );
  const counts = new ParticipationCounts(consultation);
  let dataUpTo: Date | null = null;
  const done = new Set<string>();
  const finish = (participantId: string, answers: Record<string, AnswerValue>) => {
    const participant = people.get(participantId);
    if (participant) counts.add(participant, answers, tallies);
    done.add(participantId);
  };
  let currentId: string | null = null;
  let answers: Record<string, AnswerValue> = {};
  for await (const answer of input.answers) {
    if (!people.has(answer.participantId)) continue;
    if (answer.participantId !== currentId) {
      if (currentId !== null) finish(currentId, answers);
      if (done.has(answer.participantId))
        throw new Error('summarizeConsultation: answers must be grouped by participant');
      currentId = answer.participantId;
      answers = {};
    }
    answers[answer.questionId] = answer.value;
    if (dataUpTo === null || answer.updatedAt > dataUpTo) dataUpTo = answer.updatedAt;
  }
  if (currentId !== null) finish(currentId, answers);
  for (const participant of people.values())
    if (!done.has(participant.participantId)) counts.add(participant, {}, tallies);

  const themes: ThemeSynthesis[] = consultation.themes.map((theme, i) => ({
    id: theme.id,
    title: label(theme.title),
    participation: counts.theme(theme.id),
    questions: (questions[i] ?? []).map((tally) => tally.summary()),
  }));
  const urgency: UrgencyScore[] = themes.flatMap((theme) =>
    theme.questions.flatMap((q) =>
      q.type === 'scale'
        ? [{ themeId: theme.id, questionId: q.id, mean: q.mean, opinions: q.opinions }]
        : [],
    ),
  );
  return {
    format: synthesisFormat,
    consultation: {
      id: consultation.id,
      version: consultation.version,
      title: label(consultation.title),
      timeZone: consultation.timeZone,
    },
    lang,
    councilIds: input.councilIds ? [...input.councilIds].sort(compare) : null,
    dataUpTo: dataUpTo?.toISOString() ?? null,
    participation: counts.overall(input.councils, roleLabels(consultation, label)),
    urgency,
    themes,
  };
}

interface Bucket {
  participants: number;
  started: number;
  completed: number;
  themesStarted: Map<string, number>;
  themesFinished: Map<string, number>;
}

/** Participation, counted once per participant, by council and by role. */
class ParticipationCounts {
  private readonly all = bucket();
  private readonly councils = new Map<string | null, Bucket>();
  private readonly roles = new Map<string | null, Bucket>();

  constructor(private readonly consultation: Consultation) {}

  add(
    participant: SynthesisParticipant,
    answers: Readonly<Record<string, AnswerValue>>,
    tallies: ReadonlyMap<string, QuestionTally>,
  ): void {
    const started: string[] = [];
    for (const theme of this.consultation.themes) {
      let any = false;
      for (const question of theme.questions) {
        const value = answers[question.id];
        if (value === undefined || !isVisible(question, answers)) continue;
        any = true;
        tallies.get(question.id)?.add(participant.participantId, value, participant.lang);
      }
      if (any) started.push(theme.id);
    }
    const finished = this.consultation.themes
      .map((t) => t.id)
      .filter((id) => participant.progress.themesCompleted.includes(id));
    const buckets = [
      this.all,
      within(this.councils, participant.councilId ?? null),
      within(this.roles, participant.role ?? null),
    ];
    for (const b of buckets) {
      b.participants += 1;
      if (started.length > 0) b.started += 1;
      if (participant.status === 'completed') b.completed += 1;
      for (const id of started) b.themesStarted.set(id, (b.themesStarted.get(id) ?? 0) + 1);
      for (const id of finished) b.themesFinished.set(id, (b.themesFinished.get(id) ?? 0) + 1);
    }
  }

  theme(themeId: string): ThemeSynthesis['participation'] {
    const of = (b: Bucket) => ({
      started: b.themesStarted.get(themeId) ?? 0,
      finished: b.themesFinished.get(themeId) ?? 0,
    });
    return {
      ...of(this.all),
      byCouncil: sortedEntries(this.councils).map(([id, b]) => ({ councilId: id, ...of(b) })),
      byRole: sortedEntries(this.roles).map(([id, b]) => ({ role: id, ...of(b) })),
    };
  }

  overall(
    names: SynthesisInput['councils'],
    roleLabel: (role: string) => RoleParticipation['label'],
  ): SynthesisReport['participation'] {
    const themeIds = this.consultation.themes.map((t) => t.id);
    const byCouncil: CouncilParticipation[] = sortedEntries(this.councils).map(([id, b]) => {
      const council = id === null ? undefined : names.get(id);
      return {
        councilId: id,
        name: council?.name ?? null,
        commune: council?.commune ?? null,
        participants: b.participants,
        started: b.started,
        completed: b.completed,
        themesFinished: Object.fromEntries(themeIds.map((t) => [t, b.themesFinished.get(t) ?? 0])),
      };
    });
    const byRole: RoleParticipation[] = sortedEntries(this.roles).map(([role, b]) => {
      return {
        role,
        label: role === null ? null : roleLabel(role),
        participants: b.participants,
        started: b.started,
        completed: b.completed,
      };
    });
    const { participants, started, completed } = this.all;
    return { participants, started, completed, byCouncil, byRole };
  }
}

function bucket(): Bucket {
  return {
    participants: 0,
    started: 0,
    completed: 0,
    themesStarted: new Map(),
    themesFinished: new Map(),
  };
}

function within(map: Map<string | null, Bucket>, key: string | null): Bucket {
  let found = map.get(key);
  if (!found) {
    found = bucket();
    map.set(key, found);
  }
  return found;
}

/** By id, the missing one (null) last. */
function sortedEntries<T>(map: ReadonlyMap<string | null, T>): [string | null, T][] {
  return [...map.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : compare(a, b)));
}

/** The label of a role: a choice of the profile question `role`, else the id itself. */
function roleLabels(
  consultation: Consultation,
  label: Label,
): (role: string) => RoleParticipation['label'] {
  const question = consultation.profile.find((q) => q.id === 'role');
  const choices = question && 'choices' in question ? question.choices : [];
  return (role) => {
    const choice = choices.find((c) => c.id === role);
    return choice ? label(choice.label) : { fr: role, en: role };
  };
}
