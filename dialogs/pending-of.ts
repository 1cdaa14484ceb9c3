import type { Question } from './questionnaire-schema.js';
import type { PendingStep } from './session-state.js';

/** The pending step of `question` (ticked boxes, ranking picks, "Autre", a guess), if any. */
export function pendingOf(
  pending: PendingStep | undefined,
  question: Question,
): Extract<PendingStep, { questionId: string }> | undefined {
  return pending && 'questionId' in pending && pending.questionId === question.id
    ? pending
    : undefined;
}
