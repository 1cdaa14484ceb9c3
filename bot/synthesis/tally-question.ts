import type { AnswerValue } from '../../dialogs/answer-value.js';
import { OTHER } from '../../dialogs/parse-answer.js';
import { NO_OPINION, type Question } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { maskPersonalData } from '../exports/mask-personal-data.js';
import { clusterProposals, compare, type Proposal } from './cluster-proposals.js';
import type {
  Bilingual,
  ChoiceCount,
  ChoiceQuestionSynthesis,
  IdeaCluster,
  NoOpinion,
  OtherText,
  QuestionSynthesis,
  ScaleQuestionSynthesis,
  TextQuestionSynthesis,
} from './synthesis-report.js';

/** Looks a locale key up in both languages. */
export type Label = (key: string) => Bilingual;

export interface TallyOptions {
  /** The language of the masks in quotes. */
  lang: Lang;
  quotesPerCluster: number;
  clusterThreshold?: number | undefined;
}

/** Counts the answers to one question, one participant at a time, then summarises them. */
export interface QuestionTally {
  add(participantId: string, value: AnswerValue, lang: Lang): void;
  summary(): QuestionSynthesis;
}

export function tallyQuestion(
  question: Question,
  label: Label,
  options: TallyOptions,
): QuestionTally {
  switch (question.type) {
    case 'scale':
      return new ScaleTally(question, label);
    case 'text':
      return new TextTally(question, label, options);
    default:
      return new ChoiceTally(question, label, options);
  }
}

type ChoiceLike = Extract<Question, { type: 'single' | 'multiple' | 'ranking' | 'yesno' }>;

class ChoiceTally implements QuestionTally {
  private respondents = 0;
  private skipped = 0;
  private noOpinion = 0;
  private readonly counts = new Map<string, number>();
  private readonly ranks = new Map<string, number[]>();
  private readonly others = new Map<string, OtherText>();
  private otherCount = 0;

  constructor(
    private readonly question: ChoiceLike,
    private readonly label: Label,
    private readonly options: TallyOptions,
  ) {}

  add(_participantId: string, value: AnswerValue, lang: Lang): void {
    if (value.kind === 'skipped') {
      this.skipped += 1;
      return;
    }
    const ids =
      value.kind === 'choice'
        ? [value.choiceId]
        : value.kind === 'choices' || value.kind === 'ranking'
          ? value.choiceIds
          : value.kind === 'yesno'
            ? [value.value ? 'yes' : 'no']
            : [];
    if (ids.length === 0) return;
    this.respondents += 1;
    if (ids.includes(NO_OPINION)) {
      this.noOpinion += 1;
      return;
    }
    ids.forEach((id, rank) => {
      this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
      if (value.kind === 'ranking') {
        const ranks = this.ranks.get(id) ?? [];
        ranks[rank] = (ranks[rank] ?? 0) + 1;
        this.ranks.set(id, ranks);
      }
    });
    const other = 'other' in value ? value.other?.trim() : undefined;
    if (ids.includes(OTHER) && other) {
      this.otherCount += 1;
      const key = comparable(other);
      const seen = this.others.get(key);
      if (seen) seen.count += 1;
      else
        this.others.set(key, { text: maskPersonalData(other, this.options.lang), lang, count: 1 });
    }
  }

  summary(): ChoiceQuestionSynthesis {
    const { question, label } = this;
    const opinions = this.respondents - this.noOpinion;
    const listed = choicesOf(question, label);
    const places = question.type === 'ranking' ? question.top : 0;
    const choices: ChoiceCount[] = listed.map(({ id, label: text }) => {
      const count = this.counts.get(id) ?? 0;
      const ranks = this.ranks.get(id) ?? [];
      return {
        id,
        label: text,
        count,
        percent: percent(count, opinions),
        ...(question.type === 'ranking'
          ? { ranks: Array.from({ length: places }, (_, i) => ranks[i] ?? 0) }
          : {}),
      };
    });
    // Most chosen first; Array.prototype.sort is stable, so ties keep the questionnaire order.
    choices.sort((a, b) => b.count - a.count);
    const hasOther = 'other' in question && question.other;
    return {
      type: question.type,
      id: question.id,
      text: label(question.text),
      respondents: this.respondents,
      skipped: this.skipped,
      opinions,
      noOpinion: offersNoOpinion(question) ? noOpinionOf(this.noOpinion, this.respondents) : null,
      choices,
      other: hasOther
        ? {
            count: this.otherCount,
            texts: [...this.others.values()].sort(
              (a, b) => b.count - a.count || compare(a.text, b.text),
            ),
          }
        : null,
    };
  }
}

class ScaleTally implements QuestionTally {
  private respondents = 0;
  private skipped = 0;
  private noOpinion = 0;
  private readonly counts = [0, 0, 0, 0, 0];

  constructor(
    private readonly question: Extract<Question, { type: 'scale' }>,
    private readonly label: Label,
  ) {}

  add(_participantId: string, value: AnswerValue): void {
    if (value.kind === 'skipped') this.skipped += 1;
    else if (value.kind === 'choice' && value.choiceId === NO_OPINION) {
      this.respondents += 1;
      this.noOpinion += 1;
    } else if (value.kind === 'scale' && value.value >= 1 && value.value <= 5) {
      this.respondents += 1;
      this.counts[value.value - 1] = (this.counts[value.value - 1] ?? 0) + 1;
    }
  }

  summary(): ScaleQuestionSynthesis {
    const { question, label, counts } = this;
    const opinions = this.respondents - this.noOpinion;
    const total = counts.reduce((sum, count, i) => sum + count * (i + 1), 0);
    return {
      type: 'scale',
      id: question.id,
      text: label(question.text),
      respondents: this.respondents,
      skipped: this.skipped,
      opinions,
      noOpinion: question.noOpinion ? noOpinionOf(this.noOpinion, this.respondents) : null,
      mean: opinions > 0 ? Math.round((total / opinions) * 100) / 100 : null,
      distribution: counts.map((count, i) => ({
        value: i + 1,
        label: label(question.labels[i] ?? ''),
        count,
        percent: percent(count, opinions),
      })),
    };
  }
}

class TextTally implements QuestionTally {
  private skipped = 0;
  private readonly proposals: Proposal[] = [];

  constructor(
    private readonly question: Extract<Question, { type: 'text' }>,
    private readonly label: Label,
    private readonly options: TallyOptions,
  ) {}

  add(participantId: string, value: AnswerValue, lang: Lang): void {
    if (value.kind === 'skipped') this.skipped += 1;
    else if (value.kind === 'text' && value.text.trim() !== '')
      this.proposals.push({ id: participantId, text: value.text.trim(), lang });
  }

  summary(): TextQuestionSynthesis {
    const { question, label, options } = this;
    const byId = new Map(this.proposals.map((p) => [p.id, p]));
    const { clusters, withoutWords } = clusterProposals(this.proposals, {
      ...(options.clusterThreshold === undefined ? {} : { threshold: options.clusterThreshold }),
    });
    const ideas: IdeaCluster[] = clusters.map((cluster) => ({
      keywords: cluster.keywords,
      size: cluster.members.length,
      quotes: quotesOf(cluster.members, options.quotesPerCluster).flatMap(({ id }) => {
        const proposal = byId.get(id);
        return proposal
          ? [{ text: maskPersonalData(proposal.text, options.lang), lang: proposal.lang }]
          : [];
      }),
    }));
    return {
      type: 'text',
      id: question.id,
      text: label(question.text),
      respondents: this.proposals.length,
      skipped: this.skipped,
      clusters: ideas,
      singletons: ideas.filter((idea) => idea.size === 1).length,
      withoutWords: withoutWords.length,
    };
  }
}

/**
 * The most representative proposals, each saying other words than those before it
 * (« plus de bus le soir » and « plus de bus le soir svp » make one quote), then, if too
 * few differ, the next most representative.
 */
function quotesOf<T extends { words: string }>(members: readonly T[], count: number): T[] {
  const seen = new Set<string>();
  const chosen: T[] = [];
  const repeated: T[] = [];
  for (const member of members) {
    if (chosen.length >= count) break;
    if (seen.has(member.words)) repeated.push(member);
    else {
      seen.add(member.words);
      chosen.push(member);
    }
  }
  return [...chosen, ...repeated].slice(0, count);
}

/** The choices as listed: the question's own, then « Autre »; Oui, Non for a yes/no. */
function choicesOf(question: ChoiceLike, label: Label): { id: string; label: Bilingual }[] {
  if (question.type === 'yesno')
    return [
      { id: 'yes', label: label('choice.yes') },
      { id: 'no', label: label('choice.no') },
    ];
  return [
    ...question.choices.map((choice) => ({ id: choice.id, label: label(choice.label) })),
    ...(question.other ? [{ id: OTHER, label: label('choice.other') }] : []),
  ];
}

function offersNoOpinion(question: ChoiceLike): boolean {
  return 'noOpinion' in question && question.noOpinion;
}

function noOpinionOf(count: number, respondents: number): NoOpinion {
  return { count, percent: percent(count, respondents) };
}

/** A share in percent, to one decimal (0 of nobody is 0). */
export function percent(count: number, of: number): number {
  return of > 0 ? Math.round((count / of) * 1000) / 10 : 0;
}

/** « Le  Marché ! » and « le marche » are the same words. */
function comparable(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
