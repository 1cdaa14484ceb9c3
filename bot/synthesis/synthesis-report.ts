import type { Lang } from '../../dialogs/session-state.js';

/**
 * The synthesis for the workshop, as data: what `concerto export synthesis --format json`
 * prints and what the HTML report is rendered from. Labels come in both languages; quotes
 * are in the language they were written in, masked (bot/exports/mask-personal-data.ts).
 * No participant id or pseudonym appears in it. The same data gives the same report.
 */
export interface SynthesisReport {
  format: typeof synthesisFormat;
  consultation: { id: string; version: string; title: Bilingual; timeZone: string };
  /** The language of the masks in quotes (« [téléphone] » or « [phone] »). */
  lang: Lang;
  /** The councils the report is restricted to; null: every council. */
  councilIds: string[] | null;
  /** When the latest answer counted was written (ISO 8601); null without answers. */
  dataUpTo: string | null;
  participation: Participation;
  /** Every scale question (the urgency of each theme): mean and respondents. */
  urgency: UrgencyScore[];
  themes: ThemeSynthesis[];
}

export const synthesisFormat = 'concerto-synthesis/1';

export interface Bilingual {
  fr: string;
  en: string;
}

export interface Participation {
  /** Participants who consented (someone who only wrote to the bot is not counted). */
  participants: number;
  /** Answered at least one question of a theme. */
  started: number;
  /** Confirmed the whole questionnaire. */
  completed: number;
  byCouncil: CouncilParticipation[];
  byRole: RoleParticipation[];
}

export interface CouncilParticipation {
  /** null: no council given. */
  councilId: string | null;
  name: string | null;
  commune: string | null;
  participants: number;
  started: number;
  completed: number;
  /** Themes finished, by theme id. */
  themesFinished: Record<string, number>;
}

export interface RoleParticipation {
  /** The choice id of the profile question `role`; null: not answered. */
  role: string | null;
  label: Bilingual | null;
  participants: number;
  started: number;
  completed: number;
}

export interface UrgencyScore {
  themeId: string;
  questionId: string;
  /** Mean of the 1–5 answers, « Sans avis » left out; null when nobody gave a number. */
  mean: number | null;
  /** Gave a number from 1 to 5. */
  opinions: number;
}

export interface ThemeSynthesis {
  id: string;
  title: Bilingual;
  participation: {
    started: number;
    finished: number;
    byCouncil: { councilId: string | null; started: number; finished: number }[];
    byRole: { role: string | null; started: number; finished: number }[];
  };
  questions: QuestionSynthesis[];
}

export type QuestionSynthesis =
  ChoiceQuestionSynthesis | ScaleQuestionSynthesis | TextQuestionSynthesis;

/** What every question summary counts. */
interface Answered {
  id: string;
  text: Bilingual;
  /** Answered (skips left out), « Sans avis » included. */
  respondents: number;
  /** Skipped an optional question. */
  skipped: number;
}

/** « Sans avis », shown apart: its share is of the respondents, not of the opinions. */
export interface NoOpinion {
  count: number;
  percent: number;
}

/**
 * single, multiple, ranking, yes/no. Percentages are of `opinions` (respondents without
 * « Sans avis »); on a multiple choice or a ranking they add up to more than 100.
 */
export interface ChoiceQuestionSynthesis extends Answered {
  type: 'single' | 'multiple' | 'ranking' | 'yesno';
  opinions: number;
  /** null when the question does not offer « Sans avis ». */
  noOpinion: NoOpinion | null;
  /** Most chosen first; ties in questionnaire order. « Autre » is one of them (`other`). */
  choices: ChoiceCount[];
  /** What followed « Autre », masked, the most frequent first; null when not offered. */
  other: { count: number; texts: OtherText[] } | null;
}

export interface ChoiceCount {
  /** The choice id; `other` for « Autre », `yes`/`no` on a yes/no question. */
  id: string;
  label: Bilingual;
  count: number;
  percent: number;
  /** Ranking only: how many put it first, second, third… */
  ranks?: number[];
}

export interface OtherText {
  text: string;
  lang: Lang;
  /** How many wrote the same words (compared without case, accents or punctuation). */
  count: number;
}

export interface ScaleQuestionSynthesis extends Answered {
  type: 'scale';
  opinions: number;
  noOpinion: NoOpinion | null;
  mean: number | null;
  /** One entry per point, 1 to 5, percentages of `opinions`. */
  distribution: { value: number; label: Bilingual; count: number; percent: number }[];
}

export interface TextQuestionSynthesis extends Answered {
  type: 'text';
  /** Clusters of similar proposals, largest first (cluster-proposals.ts). */
  clusters: IdeaCluster[];
  /** Proposals alone in their cluster. */
  singletons: number;
  /** Answers with no meaningful word (« rien », « je sais pas »). */
  withoutWords: number;
}

export interface IdeaCluster {
  keywords: string[];
  size: number;
  /** Its most representative proposals, masked. */
  quotes: { text: string; lang: Lang }[];
}
