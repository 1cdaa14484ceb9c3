import type { AnswerValue } from './answer-value.js';
import { codePointLength } from './code-points.js';
import type { RejectReason } from './engine-event.js';
import type { ChoiceCandidate } from './nlu/match-choice.js';
import type { IntentGuess } from './nlu/intent-name.js';
import { readChoice } from './nlu/read-choice.js';
import { NO_OPINION, type Question } from './questionnaire-schema.js';

/** Choice ids the engine adds to choice lists; ids starting with "_" take no number. */
export const OTHER = 'other';
export const DONE = '_done';
/** The button of « Sans avis », stored as `NO_OPINION`. */
export const NO_OPINION_BUTTON = '_no_opinion';

/** The outcome of one message for the current question: never an exception. */
export type ParsedAnswer =
  | { kind: 'answer'; value: AnswerValue }
  | { kind: 'picks'; picks: string[]; other?: string }
  | { kind: 'other'; picks: string[] }
  /** The text suggests these choices without naming them clearly: propose, then ask. */
  | { kind: 'guess'; ids: string[] }
  | { kind: 'reject'; reason: RejectReason; params?: Record<string, number> };

/**
 * A typed message, a button, or choices a person confirmed after the engine proposed them
 * (« Vous voulez dire … ? » « Oui »).
 */
export type AnswerInput =
  | { kind: 'text'; text: string; intent?: IntentGuess | null | undefined }
  | { kind: 'choice'; choiceId: string }
  | { kind: 'confirmed'; choiceIds: string[] };

export const OTHER_TEXT_MAX = 300;
const YES_NO_SCORE = 0.8;
const YES_NO_GUESS_SCORE = 0.6;

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
      const reading = read(input, candidates, question.type === 'scale');
      const { ids } = reading;
      if (ids.length === 0)
        return reject(question.type === 'scale' && isNumber(input) ? 'out_of_range' : 'no_match');
      const [id] = ids;
      if (ids.length > 1 || id === undefined)
        return { kind: 'reject', reason: 'too_many', params: { max: 1 } };
      if (id === NO_OPINION) return unlessUnsure(reading, noOpinion());
      if (question.type === 'scale')
        return unlessUnsure(reading, {
          kind: 'answer',
          value: { kind: 'scale', value: Number(id) },
        });
      return unlessUnsure(
        reading,
        id === OTHER
          ? { kind: 'other', picks: [OTHER] }
          : { kind: 'answer', value: { kind: 'choice', choiceId: id } },
      );
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
  const length = codePointLength(trimmed);
  if (length > max) return { kind: 'reject', reason: 'too_long', params: { length, max } };
  if (length < min) return { kind: 'reject', reason: 'too_short', params: { min } };
  return { kind: 'answer', value: { kind: 'text', text: trimmed } };
}

function parseYesNo(input: AnswerInput, candidates: readonly ChoiceCandidate[]): ParsedAnswer {
  const yesNo = (id: string | undefined): ParsedAnswer =>
    id === 'yes' || id === 'no'
      ? { kind: 'answer', value: { kind: 'yesno', value: id === 'yes' } }
      : reject('no_match');
  const reading = read(input, candidates, false);
  if (reading.sure && reading.ids.length === 1) return yesNo(reading.ids[0]);
  if (input.kind === 'text' && input.intent) {
    const { intent, score } = input.intent;
    if ((intent === 'yes' || intent === 'no') && score >= YES_NO_SCORE) return yesNo(intent);
    if ((intent === 'yes' || intent === 'no') && score >= YES_NO_GUESS_SCORE)
      return { kind: 'guess', ids: [intent] };
  }
  if (reading.ids.length !== 1) return reject('no_match');
  return unlessUnsure(reading, yesNo(reading.ids[0]));
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
  const reading = read(input, candidates, false);
  const { ids } = reading;
  if (ids.length === 0) return reject('no_match');
  if (ids.includes(NO_OPINION))
    return ids.length === 1 ? unlessUnsure(reading, noOpinion()) : reject('no_opinion_alone');
  if (input.kind === 'choice') {
    // A tap toggles a box; the answer is recorded on "Valider".
    const [id] = ids;
    if (id === undefined) return reject('no_match');
    const toggled = picks.includes(id) ? picks.filter((p) => p !== id) : [...picks, id];
    if (toggled.length > max) return { kind: 'reject', reason: 'too_many', params: { max } };
    return { kind: 'picks', picks: toggled };
  }
  if (ids.length > max) return { kind: 'reject', reason: 'too_many', params: { max } };
  return unlessUnsure(
    reading,
    finishPicks(ids, (choiceIds) => ({ kind: 'choices', choiceIds })),
  );
}

/**
 * A ranking keeps its list as shown first: « 3 » is the same option before and after picks.
 * A tap on an option already ranked takes it out again; typed, it is ignored.
 */
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
  const reading = read(input, candidates, false);
  if (reading.ids.length === 0) return reject('no_match');
  if (reading.ids.includes(NO_OPINION)) {
    if (reading.ids.length > 1 || picks.length > 0) return reject('no_opinion_alone');
    return unlessUnsure(reading, noOpinion());
  }
  const [tapped] = reading.ids;
  if (input.kind === 'choice' && tapped !== undefined && picks.includes(tapped))
    return { kind: 'picks', picks: picks.filter((id) => id !== tapped) };
  const ids = reading.ids.filter((id) => !picks.includes(id));
  if (ids.length === 0) return reject('already_ranked');
  const ranked = [...picks, ...ids];
  if (ranked.length > top)
    return { kind: 'reject', reason: 'too_many', params: { max: top - picks.length } };
  const rankable = candidates.filter((c) => c.id !== NO_OPINION).length;
  const parsed: ParsedAnswer = ids.includes(OTHER)
    ? { kind: 'other', picks: ranked }
    : ranked.length === top || ranked.length === rankable
      ? { kind: 'answer', value: { kind: 'ranking', choiceIds: ranked } }
      : { kind: 'picks', picks: ranked };
  return unlessUnsure(reading, parsed);
}

function finishPicks(ids: readonly string[], make: (ids: string[]) => AnswerValue): ParsedAnswer {
  if (ids.includes(OTHER)) return { kind: 'other', picks: [...ids] };
  return { kind: 'answer', value: make([...ids]) };
}

/** « Sans avis », the same stored value for every question type (see questionnaire-schema.ts). */
function noOpinion(): ParsedAnswer {
  return { kind: 'answer', value: { kind: 'choice', choiceId: NO_OPINION } };
}

/** What an unsure reading would give is proposed, never stored; a reject stays a reject. */
function unlessUnsure(reading: Reading, parsed: ParsedAnswer): ParsedAnswer {
  if (reading.sure || parsed.kind === 'reject') return parsed;
  return { kind: 'guess', ids: reading.ids };
}

interface Reading {
  ids: string[];
  sure: boolean;
}

function read(input: AnswerInput, candidates: readonly ChoiceCandidate[], scale: boolean): Reading {
  if (input.kind === 'confirmed') return { ids: [...input.choiceIds], sure: true };
  if (input.kind === 'choice') {
    const id = input.choiceId === NO_OPINION_BUTTON ? NO_OPINION : input.choiceId;
    return { ids: candidates.some((c) => c.id === id) ? [id] : [], sure: true };
  }
  // "-1" is not choice 1, "2.5" is not choice 2.
  if (/^\s*-\s*\d|\d[.,]\d/.test(input.text)) return { ids: [], sure: true };
  // "4/5", "4 sur 5": a point of a scale out of 5.
  const outOfFive = scale ? /^\s*([1-5])\s*(?:\/|sur|out of|of)\s*5\s*$/i.exec(input.text) : null;
  if (outOfFive?.[1]) return { ids: [outOfFive[1]], sure: true };
  const reading = readChoice(input.text, candidates);
  return reading.kind === 'none'
    ? { ids: [], sure: true }
    : reading.kind === 'sure'
      ? { ids: reading.ids, sure: true }
      : { ids: reading.ids, sure: false };
}

function isNumber(input: AnswerInput): boolean {
  return input.kind === 'text' && /^\s*-?\d+([.,]\d+)?\s*$/.test(input.text);
}

function reject(reason: RejectReason): ParsedAnswer {
  return { kind: 'reject', reason };
}
