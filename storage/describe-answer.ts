import type { AnswerValue } from '../dialogs/answer-value.js';
import { formatAnswer } from '../dialogs/format-answer.js';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { findQuestion } from '../dialogs/questionnaire-walk.js';
import type { Lang } from '../dialogs/session-state.js';
import type { Catalog } from '../dialogs/translate.js';

/**
 * What an answer carries besides its value, for people reading `answers`: the choices as the
 * participant saw them in their language, and the free text (a text answer, or after « Autre »).
 *
 * @example describeAnswer(c, 'role', { kind: 'choice', choiceId: 'tire' }, catalog, 'fr') // { label: 'Tiré au sort' }
 */
export function describeAnswer(
  consultation: Consultation,
  questionId: string,
  value: AnswerValue,
  catalog: Catalog,
  lang: Lang,
): { label?: string; text?: string } {
  const question = findQuestion(consultation, questionId);
  const text = value.kind === 'text' ? value.text : 'other' in value ? value.other : undefined;
  const labelled = question !== undefined && value.kind !== 'text' && value.kind !== 'skipped';
  // The choices alone: the free text after « Autre » has its own field.
  const choices: AnswerValue = 'other' in value ? { ...value, other: undefined } : value;
  return {
    ...(labelled ? { label: formatAnswer(question, choices, catalog, lang) } : {}),
    ...(text === undefined ? {} : { text }),
  };
}
