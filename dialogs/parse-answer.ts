import type { AnswerValue } from './answer-value.js';
import type { RejectReason } from './engine-event.js';
import { matchChoice, type ChoiceCandidate } from './nlu/match-choice.js';
import type { IntentGuess } from './nlu/intent-name.js';
import type { Question } from './questionnaire-schema.js';

/** Choice ids the engine adds to every choice list. */
export const OTHER = 'other';
export const DONE = '_done';

/** The outcome of one message for the current question: never an exception. */
export type ParsedAnswer =
  | { kind: 'answer'; value: AnswerValue }
  | { kind: 'picks'; picks: string[]; other?: string }
  | { kind: 'other'; picks: string[] }
  | { kind: 'reject'; reason: RejectReason; params?: Record<string, number> };

/** A typed message or a button, as the current question sees it. */
export type AnswerInput =
  | { kind: 'text'; text: string; intent?: IntentGuess | null | undefined }
  | { kind: 'choice'; choiceId: string };

const OTHER_TEXT_MAX = 300;
const YES_NO_SCORE = 0.6;

/** Reads one message as (part of) an answer to `question`, given the picks made so far. */
export function parseAnswer(
  question: Question,
  input: AnswerInput,
  candidates: readonly ChoiceCandidate[],
  picks: readonly string[] | undefined,
): ParsedAnswer {
  if (input.kind === 'text' && !hasContent(input.text)) return { kind: 'reject', reason: 'empty' };
  switch (question.type) {
    case 'text':
      return input.kind === 'text'
        ? parseText(input.text, question.minLength, question.maxLength)
        : reject('no_match');
    case 'yesno':
      return parseYesNo(input, candidates);
    case 'scale':
    case 'single': {
      const ids = idsOf(input, candidates);
      if (ids.length === 0)
        return reject(question.type === 'scale' && isNumber(input) ? 'out_of_range' : 'no_match');
      const [id] = ids;
      if (ids.length > 1 || id === undefined)
        return { kind: 'reject', reason: 'too_many', params: { max: 1 } };
      if (question.type === 'scale')
        return { kind: 'answer', value: { kind: 'scale', value: Number(id) } };
      return id === OTHER
        ? { kind: 'other', picks: [OTHER] }
        : { kind: 'answer', value: { kind: 'choice', choiceId: id } };
    }
    case 'multiple':
      return parseMultiple(input, candidates, picks ?? [], question.max);
    case 'ranking':
      return parseRanking(input, candidates, picks ?? [], question.top);
  }
}

/** Completes a choice answer with the free text typed after "Autre". */
export function withOtherText(
  question: Question,
  picks: readonly string[],
  text: string,
): ParsedAnswer {
  if (!hasContent(text)) return reject('empty');
  const other = text.trim();
  if (other.length > OTHER_TEXT_MAX) {
    return {
      kind: 'reject',
      reason: 'too_long',
      params: { length: other.length, max: OTHER_TEXT_MAX },
    };
  }
  if (question.type === 'multiple') {
    return { kind: 'answer', value: { kind: 'choices', choiceIds: [...picks], other } };
  }
  if (question.type === 'ranking') {
    const complete = picks.length >= question.top || picks.length === question.choices.length + 1;
    if (complete)
      return { kind: 'answer', value: { kind: 'ranking', choiceIds: [...picks], other } };
    return { kind: 'picks', picks: [...picks], other };
  }
  return { kind: 'answer', value: { kind: 'choice', choiceId: OTHER, other } };
}

/** True when a message has at least one letter or digit (not only emoji, spaces or punctuation). */
function hasContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

function parseText(text: string, min: number, max: number): ParsedAnswer {
  const trimmed = text.trim();
  if (trimmed.length > max)
    return { kind: 'reject', reason: 'too_long', params: { length: trimmed.length, max } };
  if (trimmed.length < min) return { kind: 'reject', reason: 'too_short', params: { min } };
  return { kind: 'answer', value: { kind: 'text', text: trimmed } };
}

function parseYesNo(input: AnswerInput, candidates: readonly ChoiceCandidate[]): ParsedAnswer {
  if (input.kind === 'text' && input.intent && input.intent.score >= YES_NO_SCORE) {
    if (input.intent.intent === 'yes')
      return { kind: 'answer', value: { kind: 'yesno', value: true } };
    if (input.intent.intent === 'no')
      return { kind: 'answer', value: { kind: 'yesno', value: false } };
  }
  const ids = idsOf(input, candidates);
  if (ids.length !== 1) return reject('no_match');
  return { kind: 'answer', value: { kind: 'yesno', value: ids[0] === 'yes' } };
}

function parseMultiple(
  input: AnswerInput,
  candidates: readonly ChoiceCandidate[],
  picks: readonly string[],
  max: number,
): ParsedAnswer {
  if (input.kind === 'choice' && input.choiceId === DONE) {
    if (picks.length === 0) return reject('empty');
    return finishPicks(picks, (ids) => ({ kind: 'choices', choiceIds: ids }));
  }
  const ids = idsOf(input, candidates);
  if (ids.length === 0) return reject('no_match');
  if (input.kind === 'choice') {
    // A tap toggles a box; the answer is recorded on "Valider".
    const [id] = ids;
    if (id === undefined) return reject('no_match');
    const toggled = picks.includes(id) ? picks.filter((p) => p !== id) : [...picks, id];
    if (toggled.length > max) return { kind: 'reject', reason: 'too_many', params: { max } };
    return { kind: 'picks', picks: toggled };
  }
  if (ids.length > max) return { kind: 'reject', reason: 'too_many', params: { max } };
  return finishPicks(ids, (choiceIds) => ({ kind: 'choices', choiceIds }));
}

function parseRanking(
  input: AnswerInput,
  candidates: readonly ChoiceCandidate[],
  picks: readonly string[],
  top: number,
): ParsedAnswer {
  if (input.kind === 'choice' && input.choiceId === DONE) {
    if (picks.length === 0) return reject('empty');
    return { kind: 'answer', value: { kind: 'ranking', choiceIds: [...picks] } };
  }
  // Numbers typed refer to the buttons still shown, as in the chat.
  const remaining = picks.length > 0 ? candidates.filter((c) => !picks.includes(c.id)) : candidates;
  const ids = idsOf(input, remaining);
  if (ids.length === 0) return reject('no_match');
  const ranked = [...picks, ...ids];
  if (ranked.length > top)
    return { kind: 'reject', reason: 'too_many', params: { max: top - picks.length } };
  if (ids.includes(OTHER)) return { kind: 'other', picks: ranked };
  if (ranked.length === top || ids.length === remaining.length) {
    return { kind: 'answer', value: { kind: 'ranking', choiceIds: ranked } };
  }
  return { kind: 'picks', picks: ranked };
}

function finishPicks(ids: readonly string[], make: (ids: string[]) => AnswerValue): ParsedAnswer {
  if (ids.includes(OTHER)) return { kind: 'other', picks: [...ids] };
  return { kind: 'answer', value: make([...ids]) };
}

function idsOf(input: AnswerInput, candidates: readonly ChoiceCandidate[]): string[] {
  if (input.kind === 'choice')
    return candidates.some((c) => c.id === input.choiceId) ? [input.choiceId] : [];
  // "-1" is not choice 1, "2.5" is not choice 2.
  if (/^\s*-\s*\d|\d[.,]\d/.test(input.text)) return [];
  const match = matchChoice(input.text, candidates);
  if (match.kind === 'one') return [match.id];
  if (match.kind === 'many') return [...new Set(match.ids)];
  return [];
}

function isNumber(input: AnswerInput): boolean {
  return input.kind === 'text' && /^\s*-?\d+([.,]\d+)?\s*$/.test(input.text);
}

function reject(reason: RejectReason): ParsedAnswer {
  return { kind: 'reject', reason };
}
