import type { AnswerDoc, AnswerHistoryEntry } from './documents.js';

/** The current value of a stored answer as the history entry it becomes when the answer changes. */
export function previousValue(answer: AnswerDoc): AnswerHistoryEntry {
  return {
    value: answer.value,
    ...(answer.label === undefined ? {} : { label: answer.label }),
    ...(answer.text === undefined ? {} : { text: answer.text }),
    questionnaireVersion: answer.questionnaireVersion,
    ...(answer.channel === undefined ? {} : { channel: answer.channel }),
    at: answer.updatedAt,
    turn: answer.turn,
  };
}
