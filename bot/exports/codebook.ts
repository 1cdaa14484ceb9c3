import { choiceCandidates } from '../../dialogs/choice-candidates.js';
import type { Consultation, Question } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Catalog } from '../../dialogs/translate.js';

/** The languages every text of the codebook is given in. */
export const codebookLangs = ['fr', 'en'] as const satisfies readonly Lang[];

export type Texts = Record<(typeof codebookLangs)[number], string>;

/** One code an answer can have: a choice id, `other`, `sans_avis`, a scale point, yes/no, `skipped`. */
export interface CodebookCode {
  code: string;
  label: Texts;
}

export interface CodebookQuestion {
  questionId: string;
  /** The theme's id, or `profile` for the questions asked before the themes. */
  themeId: string;
  themeTitle: Texts;
  /** 1 for the first question asked, and so on. */
  position: number;
  type: Question['type'];
  required: boolean;
  /** Asked only when an earlier answer is one of these codes. */
  condition?: { questionId: string; anyOf: string[] };
  /** At most this many choices (multiple), this many ranked (ranking), text length bounds. */
  limits?: string;
  text: Texts;
  /** Free text answers (text questions, and after « Autre ») go to the `text` column. */
  freeText: boolean;
  codes: CodebookCode[];
}

/** What an analyst needs to read an export without the source: every question and code. */
export interface Codebook {
  consultationId: string;
  questionnaireVersion: string;
  questions: CodebookQuestion[];
  byId: ReadonlyMap<string, CodebookQuestion>;
}

/** The code of a skipped optional question (stored as `{ kind: 'skipped' }`). */
export const SKIPPED = 'skipped';

/**
 * The codebook of a consultation: questions in the order they are asked, with their text in
 * each language and every code their answers can take, labelled as the bot showed them.
 *
 * @example buildCodebook(consultation, catalog).byId.get('edu_urgence')?.codes[0] // { code: '1', label: { fr: 'Pas urgent', en: 'Not urgent' } }
 */
export function buildCodebook(consultation: Consultation, catalog: Catalog): Codebook {
  const profile = { id: 'profile', title: 'export.profile' };
  const groups = [
    { theme: profile, questions: consultation.profile },
    ...consultation.themes.map((theme) => ({ theme, questions: theme.questions })),
  ];
  const texts = (key: string): Texts => ({
    fr: translator(catalog, 'fr')(key),
    en: translator(catalog, 'en')(key),
  });
  let position = 0;
  const questions = groups.flatMap(({ theme, questions: list }) =>
    list.map((question): CodebookQuestion => {
      position += 1;
      const limits = limitsOf(question);
      return {
        questionId: question.id,
        themeId: theme.id,
        themeTitle: texts(theme.title),
        position,
        type: question.type,
        required: question.required,
        ...(question.when
          ? {
              condition: {
                questionId: question.when.question,
                anyOf: question.when.anyOf.map(codeOfConditionValue),
              },
            }
          : {}),
        ...(limits ? { limits } : {}),
        text: texts(question.text),
        freeText: question.type === 'text' || ('other' in question && question.other),
        codes: codesOf(question, catalog, texts),
      };
    }),
  );
  return {
    consultationId: consultation.id,
    questionnaireVersion: consultation.version,
    questions,
    byId: new Map(questions.map((q) => [q.questionId, q])),
  };
}

/** The label of a code in one language; an unknown code shows as itself. */
export function codeLabel(
  question: CodebookQuestion | undefined,
  code: string,
  lang: Lang,
): string {
  return question?.codes.find((c) => c.code === code)?.label[lang] ?? code;
}

/** Yes/no conditions are stored as booleans; exports and the codebook say `yes`/`no`. */
export function codeOfConditionValue(value: string | number | boolean): string {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
}

function codesOf(
  question: Question,
  catalog: Catalog,
  texts: (key: string) => Texts,
): CodebookCode[] {
  const [fr, en] = codebookLangs.map((lang) => choiceCandidates(question, catalog, lang));
  const codes = (fr ?? []).map((candidate, index) => ({
    code: candidate.id,
    label: { fr: candidate.label, en: en?.[index]?.label ?? candidate.label },
  }));
  return question.required ? codes : [...codes, { code: SKIPPED, label: texts('export.skipped') }];
}

function limitsOf(question: Question): string | undefined {
  switch (question.type) {
    case 'multiple':
      return `max ${question.max}`;
    case 'ranking':
      return `top ${question.top}`;
    case 'text':
      return `${question.minLength}-${question.maxLength} characters`;
    default:
      return undefined;
  }
}
