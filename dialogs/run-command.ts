import { askCurrent, promptDelete, promptLanguage } from './ask-current.js';
import { skipQuestion } from './answer-step.js';
import { issueContinuationCode } from './continuation-step.js';
import { skipCouncil } from './council-step.js';
import type { CommandName } from './engine-input.js';
import { findQuestion, visibleQuestions } from './questionnaire-walk.js';
import { promptReview } from './review-step.js';
import type { Turn } from './turn.js';

/** A navigation command, whatever form it came in (button, "/retour", "on peut revenir ?"). */
export function runCommand(turn: Turn, command: CommandName): void {
  const { state, t, ctx } = turn;
  switch (command) {
    case 'start':
    case 'resume':
      state.pending = keepPendingAnswer(turn);
      turn.say(t(state.stage === 'consent' ? 'welcome' : 'resume'));
      return askCurrent(turn);
    case 'help': {
      const question =
        state.stage === 'questions' && state.current
          ? findQuestion(ctx.consultation, state.current)
          : undefined;
      if (question?.help) turn.say(t(question.help));
      turn.say(t('help.text'));
      return askCurrent(turn);
    }
    case 'back':
      return goBack(turn);
    case 'skip':
      return skip(turn);
    case 'summary':
      if (!state.consented) {
        turn.say(t('summary.not_yet'));
        return askCurrent(turn);
      }
      state.pending = undefined;
      state.stage = state.stage === 'council' ? 'council' : 'review';
      return state.stage === 'review' ? promptReview(turn) : askCurrent(turn);
    case 'language':
      state.pending = { kind: 'language' };
      return promptLanguage(turn);
    case 'stop':
      if (!state.remindersOff) turn.emit({ type: 'reminders_opted_out' });
      state.remindersOff = true;
      return turn.say(t('stop.done'));
    case 'delete':
      state.pending = { kind: 'confirm_delete' };
      return promptDelete(turn);
    case 'pause':
      return turn.say(t('pause'));
    case 'code':
      if (!state.consented) {
        turn.say(t('code.not_yet'));
        return askCurrent(turn);
      }
      return issueContinuationCode(turn);
  }
}

/** Back to the question before the current one (in questionnaire order), showing its answer. */
function goBack(turn: Turn): void {
  const { state, t, ctx } = turn;
  state.pending = undefined;
  const questions = visibleQuestions(ctx.consultation, state.answers);
  const index =
    state.stage === 'questions'
      ? questions.findIndex((q) => q.id === state.current)
      : questions.length;
  const previous = index > 0 ? questions[index - 1] : undefined;
  if (state.stage === 'consent' || state.stage === 'council' || !previous) {
    turn.say(t('back.none'));
    return askCurrent(turn);
  }
  state.stage = 'questions';
  state.current = previous.id;
  state.failures = 0;
  askCurrent(turn);
}

function skip(turn: Turn): void {
  const { state, t, ctx } = turn;
  if (state.stage === 'council') return skipCouncil(turn);
  const question =
    state.stage === 'questions' && state.current
      ? findQuestion(ctx.consultation, state.current)
      : undefined;
  if (!question) {
    turn.say(t('skip.nothing'));
    return askCurrent(turn);
  }
  skipQuestion(turn, question);
}

/** Ranking picks and ticked boxes survive a "resume"; everything else is asked afresh. */
function keepPendingAnswer(turn: Turn) {
  const pending = turn.state.pending;
  return pending?.kind === 'picks' || pending?.kind === 'other' || pending?.kind === 'councils'
    ? pending
    : undefined;
}
