import { OTHER_TEXT_MAX } from '../../dialogs/parse-answer.js';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';

/**
 * The longest text the questionnaire can accept as an answer (a free-text question's
 * `maxLength`, or the text after « Autre »): the web channel stores no longer text.
 *
 * @example longestAnswerLength(consultation) // 600 for the 2017 consultation
 */
export function longestAnswerLength(consultation: Consultation): number {
  let longest = OTHER_TEXT_MAX;
  for (const theme of consultation.themes)
    for (const question of theme.questions)
      if (question.type === 'text') longest = Math.max(longest, question.maxLength);
  return longest;
}
