import type { AnswerValue } from './answer-value.js';
import { advance } from './answer-step.js';
import { PROMPT } from './ask-current.js';
import type { Question } from './questionnaire-schema.js';
import { findQuestion } from './questionnaire-walk.js';
import type { Turn } from './turn.js';
import { maskContact, readWorkshopContact } from './workshop-contact.js';
import { askWorkshopGender } from './workshop-gender-step.js';
import { yesNoOf } from './yes-no-of.js';

/** The « Non merci » button of the contact step. */
export const NO_CONTACT = 'none';

/** An e-mail or a phone number is short: the box says so. */
const CONTACT_TEXT_MAX = 120;

/**
 * Right after a « yes » to the consultation's volunteer question, on a channel that cannot
 * write to them later (`ctx.reach` is `none`: the web), asks how to reach them for the
 * invitation, with what it is for and how long it is kept; « non merci » is as good an
 * answer. Then, on every channel, the gender question of the workshop's balance
 * (workshop-gender-step.ts). A « no » withdraws what was left before (contact and gender).
 * Returns true when it asked something.
 */
export function askWorkshopContact(turn: Turn, question: Question, value: AnswerValue): boolean {
  const { state, ctx } = turn;
  const workshop = ctx.consultation.workshop;
  if (!workshop || question.id !== workshop.volunteerQuestion || value.kind !== 'yesno')
    return false;
  if (!value.value) {
    if (state.workshopContact === 'given' || state.workshopGender === 'given')
      turn.emit({ type: 'workshop_contact_withdrawn' });
    state.workshopContact = undefined;
    state.workshopGender = undefined;
    return false;
  }
  const over =
    workshop.deleteAfter !== undefined && ctx.now.getTime() >= Date.parse(workshop.deleteAfter);
  if (ctx.reach !== 'none' || state.workshopContact !== undefined || over)
    return askWorkshopGender(turn);
  state.pending = { kind: 'workshop_contact' };
  promptWorkshopContact(turn);
  return true;
}

export function promptWorkshopContact(turn: Turn): void {
  turn.say(turn.t('workshop.contact_ask'), {
    choices: [{ id: NO_CONTACT, label: turn.t('workshop.contact_none') }],
    promptId: PROMPT.workshopContact,
    textLimit: CONTACT_TEXT_MAX,
  });
}

/** A reply to the contact question: a contact, « non merci », or asked again. */
export function answerWorkshopContact(
  turn: Turn,
  input: { kind: 'choice'; choiceId: string } | { kind: 'text'; text: string },
): void {
  const { state, t } = turn;
  const contact = input.kind === 'text' ? readWorkshopContact(input.text) : undefined;
  if (contact) {
    state.workshopContact = 'given';
    turn.emit({ type: 'workshop_contact_given', contact });
    turn.say(t('workshop.contact_saved', { contact: maskContact(contact) }));
    return moveOn(turn);
  }
  const answer =
    input.kind === 'choice' && input.choiceId === NO_CONTACT ? 'no' : yesNoOf(turn, input);
  if (answer === 'no') return declineWorkshopContact(turn);
  state.failures += 1;
  if (answer !== 'yes') turn.emit({ type: 'input_rejected', reason: 'no_match' });
  turn.say(t(answer === 'yes' ? 'workshop.contact_how' : 'workshop.contact_not_understood'));
  promptWorkshopContact(turn);
}

/** « Non merci », typed, tapped or as « passer »: nothing is kept, and the questionnaire goes on. */
export function declineWorkshopContact(turn: Turn): void {
  turn.state.workshopContact = 'declined';
  turn.emit({ type: 'workshop_contact_declined' });
  turn.say(turn.t('workshop.contact_declined'));
  moveOn(turn);
}

/** Whether a typed message reads as an answer to the contact question (no command steals it). */
export function answersWorkshopContact(turn: Turn, text: string): boolean {
  return (
    readWorkshopContact(text) !== undefined || yesNoOf(turn, { kind: 'text', text }) !== undefined
  );
}

function moveOn(turn: Turn): void {
  const { state, ctx } = turn;
  state.pending = undefined;
  state.failures = 0;
  if (askWorkshopGender(turn)) return;
  const volunteer = ctx.consultation.workshop?.volunteerQuestion;
  advance(turn, volunteer === undefined ? undefined : findQuestion(ctx.consultation, volunteer));
}
