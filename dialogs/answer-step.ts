import type { AnswerValue } from './answer-value.js';
import { askCurrent, previousPicks, promptQuestion, SKIP } from './ask-current.js';
import { choiceCandidates } from './choice-candidates.js';
import { askCouncilIfMissing } from './council-step.js';
import type { RejectReason } from './engine-event.js';
import { formatAnswer, formatChoices } from './format-answer.js';
import { normalizeText } from './nlu/normalize-text.js';
import {
  DONE,
  parseAnswer,
  withOtherText,
  type AnswerInput,
  type ParsedAnswer,
} from './parse-answer.js';
import { NO_OPINION, type Question } from './questionnaire-schema.js';
import { newlyCompletedThemes, nextQuestion, themeOf } from './questionnaire-walk.js';
import { promptReview } from './review-step.js';
import { pendingOf } from './pending-of.js';
import type { PendingStep } from './session-state.js';
import type { Turn } from './turn.js';
import { askWorkshopContact } from './workshop-contact-step.js';
import { yesNoOf } from './yes-no-of.js';

/** The buttons under « Vous voulez dire … ? ». */
export const CONFIRM_YES = '_yes';
export const CONFIRM_NO = '_no';

/** Applies a message to the question on screen: record it, keep collecting, or reprompt. */
export function answerQuestion(turn: Turn, question: Question, input: AnswerInput): void {
  const { state, ctx } = turn;
  if (input.kind === 'choice' && input.choiceId === SKIP) return skipQuestion(turn, question);
  let pending = pendingOf(state.pending, question);
  if (pending?.kind === 'confirm') {
    const proposed = pending;
    const verdict =
      input.kind === 'confirmed'
        ? undefined
        : yesNoOf(turn, input, { yes: CONFIRM_YES, no: CONFIRM_NO });
    // Whatever the reply, the picks made before the guess stay.
    pending = restorePicks(state, question, proposed);
    if (verdict === 'yes')
      return answerQuestion(turn, question, { kind: 'confirmed', choiceIds: proposed.choiceIds });
    if (verdict === 'no') {
      turn.say(turn.t('confirm.no'));
      return promptQuestion(turn, question);
    }
  }
  if (pending?.kind === 'picks' && input.kind === 'text' && saysDone(turn, question, input.text)) {
    return answerQuestion(turn, question, { kind: 'choice', choiceId: DONE });
  }
  let parsed: ParsedAnswer;
  if (pending?.kind === 'other') {
    parsed =
      input.kind === 'text'
        ? withOtherText(question, pending.picks, input.text)
        : { kind: 'reject', reason: 'empty' };
  } else {
    const candidates = choiceCandidates(question, ctx.catalog, state.lang);
    const picks =
      pending?.kind === 'picks'
        ? pending.picks
        : previousPicks(question, state.answers[question.id]);
    parsed = parseAnswer(question, input, candidates, picks);
  }
  const other = pending?.kind === 'picks' ? pending.other : undefined;
  const typed = input.kind !== 'choice';
  switch (parsed.kind) {
    case 'reject':
      return rejectAnswer(turn, question, parsed.reason, parsed.params);
    case 'guess':
      return proposeGuess(turn, question, parsed.ids, pending);
    case 'picks': {
      const before = pending?.kind === 'picks' ? pending.picks : [];
      state.pending = {
        kind: 'picks',
        questionId: question.id,
        picks: parsed.picks,
        other: parsed.other ?? other,
      };
      state.failures = 0;
      const added = parsed.picks.filter((id) => !before.includes(id));
      if (typed && added.length > 0 && question.type === 'ranking') noted(turn, question, added);
      return promptQuestion(turn, question);
    }
    case 'other':
      state.pending = { kind: 'other', questionId: question.id, picks: parsed.picks };
      state.failures = 0;
      return promptQuestion(turn, question);
    case 'answer': {
      const value = keepOther(parsed.value, other);
      // Free text is not read, so there is nothing to echo.
      if (typed && pending?.kind !== 'other' && question.type !== 'text')
        turn.say(
          turn.t('answer.noted', {
            answer: formatAnswer(question, value, ctx.catalog, state.lang),
          }),
        );
      return recordAnswer(turn, question, value);
    }
  }
}

/** Stores an answer, says so through events, and moves on. */
function recordAnswer(turn: Turn, question: Question, value: AnswerValue): void {
  const { state, ctx } = turn;
  const previous = state.answers[question.id];
  state.answers[question.id] = value;
  const questionnaireVersion = ctx.consultation.version;
  turn.emit(
    previous
      ? { type: 'answer_changed', questionId: question.id, value, previous, questionnaireVersion }
      : { type: 'answer_recorded', questionId: question.id, value, questionnaireVersion },
  );
  state.pending = undefined;
  state.failures = 0;
  // A new volunteer for the workshop: how to reach them (the web), the balance's question, then on.
  if (askWorkshopContact(turn, question, value)) return;
  advance(turn, question);
}

/**
 * « passer » on an optional question skips it; on a required one that offers « Sans avis »
 * (« je sais pas »), that is proposed instead.
 */
export function skipQuestion(turn: Turn, question: Question): void {
  if (question.required && 'noOpinion' in question && question.noOpinion)
    return proposeGuess(turn, question, [NO_OPINION], pendingOf(turn.state.pending, question));
  if (question.required) return rejectAnswer(turn, question, 'required');
  turn.say(turn.t('skip.done'));
  recordAnswer(turn, question, { kind: 'skipped' });
}

/** After an answer: report finished themes, then the next question, or the summary. */
export function advance(turn: Turn, from: Question | undefined): void {
  const { state, ctx, t } = turn;
  for (const theme of newlyCompletedThemes(
    ctx.consultation,
    state.answers,
    state.completedThemes,
  )) {
    state.completedThemes.push(theme.id);
    turn.emit({ type: 'theme_completed', themeId: theme.id });
  }
  const editing = state.editing;
  const next = editing ? undefined : nextQuestion(ctx.consultation, state.answers, from?.id);
  state.editing = false;
  // Someone who agreed before there were councils is asked for theirs now, once.
  if (!editing && askCouncilIfMissing(turn)) {
    if (next) state.current = next.id;
    return;
  }
  if (!next) {
    state.stage = 'review';
    state.current = undefined;
    return promptReview(turn, editing ? 'changed' : 'full');
  }
  const fromTheme = from ? themeOf(ctx.consultation, from.id) : undefined;
  const nextTheme = themeOf(ctx.consultation, next.id);
  if (fromTheme && fromTheme !== nextTheme && state.completedThemes.includes(fromTheme.id)) {
    turn.say(t('theme.completed', { title: t(fromTheme.title) }));
  }
  if (nextTheme && nextTheme !== fromTheme) {
    const index = ctx.consultation.themes.indexOf(nextTheme) + 1;
    turn.say(
      `${t('theme.start', { n: index, total: ctx.consultation.themes.length, title: t(nextTheme.title) })}\n${t(nextTheme.intro)}`,
    );
  }
  state.stage = 'questions';
  state.current = next.id;
  promptQuestion(turn, next);
}

/** « Vous voulez dire : … ? » with Oui / Non; nothing is stored until « Oui ». */
function proposeGuess(
  turn: Turn,
  question: Question,
  ids: readonly string[],
  pending: PendingStep | undefined,
): void {
  const { state } = turn;
  state.pending = {
    kind: 'confirm',
    questionId: question.id,
    choiceIds: [...ids],
    picks: pending?.kind === 'picks' ? pending.picks : [],
    ...(pending?.kind === 'picks' && pending.other ? { other: pending.other } : {}),
  };
  promptQuestion(turn, question);
}

function restorePicks(
  state: Turn['state'],
  question: Question,
  proposed: Extract<PendingStep, { kind: 'confirm' }>,
): Extract<PendingStep, { kind: 'picks' }> | undefined {
  const picks: Extract<PendingStep, { kind: 'picks' }> | undefined =
    proposed.picks.length > 0
      ? {
          kind: 'picks',
          questionId: question.id,
          picks: proposed.picks,
          ...(proposed.other ? { other: proposed.other } : {}),
        }
      : undefined;
  state.pending = picks;
  return picks;
}

/** « J'ai noté : … » for picks typed one message at a time (a ranking in progress). */
function noted(turn: Turn, question: Question, ids: readonly string[]): void {
  const { ctx, state } = turn;
  turn.say(
    turn.t('answer.noted', { answer: formatChoices(question, ids, ctx.catalog, state.lang) }),
  );
}

/** Explains what went wrong, and after three tries offers help (and skipping, if allowed). */
function rejectAnswer(
  turn: Turn,
  question: Question,
  reason: RejectReason,
  params: Record<string, number> = {},
): void {
  const { state, t } = turn;
  state.failures += 1;
  turn.emit({ type: 'input_rejected', reason });
  const lines = [t(rejectKey(question, reason), params)];
  if (state.failures >= 3)
    lines.push(t(question.required ? 'reject.stuck' : 'reject.stuck_optional'));
  turn.say(lines.join('\n'));
  askCurrent(turn);
}

function rejectKey(question: Question, reason: RejectReason): string {
  if (reason === 'no_match') return question.type === 'yesno' ? 'reject.yesno' : 'reject.no_match';
  if (reason === 'too_many' && question.type === 'single') return 'reject.one_only';
  if (reason === 'out_of_range') return 'reject.out_of_range';
  return `reject.${reason}`;
}

function keepOther(value: AnswerValue, other: string | undefined): AnswerValue {
  if (!other || value.kind !== 'ranking' || value.other) return value;
  return { ...value, other };
}

/** "Valider", "c'est tout", "that's all" typed instead of tapping the closing button. */
export function saysDone(turn: Turn, question: Question, text: string): boolean {
  if (question.type !== 'multiple' && question.type !== 'ranking') return false;
  const key = question.type === 'multiple' ? 'choice.done' : 'choice.ranking_done';
  const said = normalizeText(text);
  const words = [turn.t(key), ...turn.t('choice.done.syn').split('|')];
  return words.some((word) => normalizeText(word) === said);
}
