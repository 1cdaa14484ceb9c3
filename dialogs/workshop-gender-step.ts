import { advance } from './answer-step.js';
import { PROMPT } from './ask-current.js';
import { findQuestion } from './questionnaire-walk.js';
import type { Turn } from './turn.js';
import {
  GENDER_UNSAID,
  genderReplyOf,
  readWorkshopGender,
  workshopGenders,
} from './workshop-gender.js';

/**
 * Whether the consultation asks its volunteers, for the workshop's balance, whether they are
 * a woman or a man (`workshop.askGender`, on unless false), and still may (before
 * `deleteAfter`).
 */
export function asksWorkshopGender(turn: Turn): boolean {
  const { ctx } = turn;
  const workshop = ctx.consultation.workshop;
  if (!workshop || workshop.askGender === false) return false;
  return workshop.deleteAfter === undefined || ctx.now.getTime() < Date.parse(workshop.deleteAfter);
}

/**
 * Once a volunteer said « yes » (and, on the web, left a contact or not): ONE optional
 * question, with what it is for, on every channel. Not asked again once answered or declined
 * (a « no » to the volunteer question forgets both). Returns true when it asked.
 */
export function askWorkshopGender(turn: Turn): boolean {
  const { state } = turn;
  if (state.workshopGender !== undefined || !asksWorkshopGender(turn)) return false;
  state.pending = { kind: 'workshop_gender' };
  promptWorkshopGender(turn);
  return true;
}

export function promptWorkshopGender(turn: Turn): void {
  const { t } = turn;
  turn.say(t('workshop.gender_ask'), {
    choices: [...workshopGenders, GENDER_UNSAID].map((id) => ({
      id,
      label: t(`workshop.gender.${id}`),
    })),
    promptId: PROMPT.workshopGender,
  });
}

/**
 * A reply to the gender question: a tap, or a typed label read strictly (workshop-gender.ts);
 * anything else asks again, « Je préfère ne pas le dire » (or « passer ») keeps nothing.
 */
export function answerWorkshopGender(
  turn: Turn,
  input: { kind: 'choice'; choiceId: string } | { kind: 'text'; text: string },
): void {
  const { state, t, ctx } = turn;
  const reply =
    input.kind === 'choice'
      ? genderReplyOf(input.choiceId)
      : readWorkshopGender(input.text, ctx.catalog, state.lang);
  if (reply === GENDER_UNSAID) return declineWorkshopGender(turn);
  if (reply === undefined) {
    state.failures += 1;
    turn.emit({ type: 'input_rejected', reason: 'no_match' });
    turn.say(t('workshop.gender_not_understood'));
    return promptWorkshopGender(turn);
  }
  state.workshopGender = 'given';
  turn.emit({ type: 'workshop_gender_given', gender: reply });
  turn.say(t('workshop.gender_saved'));
  moveOn(turn);
}

/** « Je préfère ne pas le dire », tapped, typed or as « passer »: nothing kept, a gender given before forgotten. */
export function declineWorkshopGender(turn: Turn): void {
  turn.state.workshopGender = 'declined';
  turn.emit({ type: 'workshop_gender_declined' });
  turn.say(turn.t('workshop.gender_declined'));
  moveOn(turn);
}

/** Whether a typed message reads as an answer to the gender question (no command steals it). */
export function answersWorkshopGender(turn: Turn, text: string): boolean {
  return readWorkshopGender(text, turn.ctx.catalog, turn.state.lang) !== undefined;
}

function moveOn(turn: Turn): void {
  const { state, ctx } = turn;
  state.pending = undefined;
  state.failures = 0;
  const volunteer = ctx.consultation.workshop?.volunteerQuestion;
  advance(turn, volunteer === undefined ? undefined : findQuestion(ctx.consultation, volunteer));
}
