import {
  askCurrent,
  commandChoice,
  PROMPT,
  promptConsent,
  promptDelete,
  promptLanguage,
} from './ask-current.js';
import { skipQuestion } from './answer-step.js';
import { issueContinuationCode } from './continuation-step.js';
import { applyInvitation, askCouncilIfMissing, skipCouncil } from './council-step.js';
import type { CommandName } from './engine-input.js';
import { explainStep, explanationOf } from './explain-step.js';
import type { QuestionBack } from './nlu/question-back-of.js';
import { findQuestion, visibleQuestions } from './questionnaire-walk.js';
import { continueQuestionnaire, promptReview } from './review-step.js';
import type { Turn } from './turn.js';
import { declineWorkshopContact } from './workshop-contact-step.js';
import { declineWorkshopGender } from './workshop-gender-step.js';

/** What came with a command: the question back to explain, the code of an invitation link. */
export interface CommandDetails {
  back?: QuestionBack | undefined;
  invitation?: string | undefined;
}

/**
 * A navigation command, whatever form it came in (button, "/retour", "on peut revenir ?").
 *
 * @example runCommand(turn, 'explain', { back: { kind: 'why', about: '' } })
 */
export function runCommand(turn: Turn, command: CommandName, details: CommandDetails = {}): void {
  const { state, t, ctx } = turn;
  switch (command) {
    case 'start':
    case 'resume':
      state.pending = keepPendingAnswer(turn);
      if (state.stage === 'consent') {
        turn.say(t('welcome'));
        return promptConsent(turn, 'full');
      }
      turn.say(t('resume'));
      if (details.invitation) applyInvitation(turn, details.invitation);
      if (askCouncilIfMissing(turn)) return;
      if (state.stage === 'review' && !state.pending && continueQuestionnaire(turn)) return;
      return askCurrent(turn);
    case 'help': {
      // The contact step follows the volunteer question: its own explanation, not the question's.
      const contactStep =
        state.pending?.kind === 'workshop_contact' || state.pending?.kind === 'workshop_gender';
      const question =
        state.stage === 'questions' && state.current && !contactStep
          ? findQuestion(ctx.consultation, state.current)
          : undefined;
      if (question?.help) turn.say(t(question.help));
      else if (state.stage !== 'questions' || contactStep)
        turn.say(explanationOf(turn, undefined).join('\n'));
      turn.say(t('help.text'));
      return askCurrent(turn);
    }
    case 'explain':
      return explainStep(turn, details.back);
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
      if (state.stage === 'council') return askCurrent(turn);
      state.stage = 'review';
      return promptReview(turn, 'full');
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
      return turn.say(t('pause'), {
        choices: [{ id: commandChoice('resume'), label: t('pause.resume') }],
        promptId: PROMPT.pause,
      });
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
  // From the contact or gender step, back is the volunteer question they follow.
  if (state.pending?.kind === 'workshop_contact' || state.pending?.kind === 'workshop_gender') {
    state.pending = undefined;
    return askCurrent(turn);
  }
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
  if (state.pending?.kind === 'workshop_contact') return declineWorkshopContact(turn);
  if (state.pending?.kind === 'workshop_gender') return declineWorkshopGender(turn);
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

/** What survives a "resume": ranking picks, ticked boxes, a proposed answer, a pending switch. */
function keepPendingAnswer(turn: Turn) {
  const pending = turn.state.pending;
  switch (pending?.kind) {
    case 'picks':
    case 'other':
    case 'councils':
    case 'confirm':
    case 'switch_council':
    case 'workshop_contact':
    case 'workshop_gender':
      return pending;
    default:
      return undefined;
  }
}
