import { answerQuestion, saysDone } from './answer-step.js';
import { askCurrent, formatDate, PROMPT } from './ask-current.js';
import { choiceCandidates } from './choice-candidates.js';
import { commandFromText } from './command-from-text.js';
import { answerConsent, consentOf } from './consent-step.js';
import { continueElsewhere } from './continuation-step.js';
import { answerCouncil, answerSwitchCouncil, askCouncilIfMissing } from './council-step.js';
import { noteDelivery } from './delivery-step.js';
import type { EngineContext, TurnResult } from './engine-context.js';
import { commandNames, type CommandName, type EngineInput } from './engine-input.js';
import { matchChoice } from './nlu/match-choice.js';
import { isAboutTheBot, questionBackOf, type QuestionBack } from './nlu/question-back-of.js';
import { readChoice } from './nlu/read-choice.js';
import { findQuestion } from './questionnaire-walk.js';
import { answerReview, typedReviewChoice } from './review-step.js';
import { runCommand } from './run-command.js';
import { initialState, type SessionState } from './session-state.js';
import { Turn } from './turn.js';
import { answersWorkshopContact, answerWorkshopContact } from './workshop-contact-step.js';
import { answersWorkshopGender, answerWorkshopGender } from './workshop-gender-step.js';
import { yesNoOf } from './yes-no-of.js';

/**
 * Starts a conversation for someone new: a fresh state, then their first input.
 *
 * @example startSession({ kind: 'start', payload: 'QN05981M' }, 'fr', ctx)
 */
export function startSession(
  input: EngineInput,
  lang: SessionState['lang'],
  ctx: EngineContext,
): TurnResult {
  const result = resumeSession(initialState(ctx.consultation.id, lang), input, ctx);
  return { ...result, events: [{ type: 'session_started' }, ...result.events] };
}

/**
 * The engine: one input applied to a state gives the new state, the replies and the events.
 * Pure: the clock, the councils and the NLU guess come in through `ctx` and `input`.
 *
 * @example resumeSession(state, { kind: 'text', text: 'oui' }, ctx).replies[0]?.text
 */
export function resumeSession(
  state: SessionState,
  input: EngineInput,
  ctx: EngineContext,
): TurnResult {
  const turn = new Turn(state, ctx);
  if (noteDelivery(turn, input)) return turn.result();
  // What became of a code already redeemed is said whatever the date; a code typed once the
  // consultation is closed is not redeemed (nothing is left to answer).
  if (input.kind === 'continuation' && continueElsewhere(turn, input)) return turn.result();
  const { command, back } = commandOf(turn, input);
  if (isClosed(turn, command)) return turn.result();
  if (continueElsewhere(turn, input)) return turn.result();
  const code = input.kind === 'start' ? input.payload?.trim() : undefined;
  // Before consent the code waits; after, it attaches the council or asks to switch.
  if (code && !turn.state.consented) turn.state.invitation = code;
  // Someone new, or back after deleting everything: whatever they say first (« Bonjour »),
  // they get the welcome and the consent question, and it is not taken as an answer.
  if (turn.state.greeted === false && !turn.state.consented && !turn.state.pending) {
    if (!opensWithCommand(command)) {
      runCommand(turn, 'start');
      return turn.result();
    }
    if (command !== 'delete') turn.say(turn.t('welcome'));
  }
  if (command) {
    runCommand(turn, command, { back, invitation: turn.state.consented ? code : undefined });
    return turn.result();
  }
  if (input.kind === 'media') {
    turn.state.failures += 1;
    turn.emit({ type: 'input_rejected', reason: 'media' });
    turn.say(turn.t('reject.media', { media: turn.t(`media.${input.media}`) }));
    askCurrent(turn);
    return turn.result();
  }
  if (input.kind === 'choice' && input.promptId !== currentPromptId(turn.state)) {
    turn.emit({ type: 'input_rejected', reason: 'stale_button' });
    turn.say(turn.t('reject.stale_button'));
    askCurrent(turn);
    return turn.result();
  }
  if (input.kind === 'text' || input.kind === 'choice') answer(turn, input);
  return turn.result();
}

/** The prompt that buttons must belong to right now (a question id, or one of `PROMPT`). */
export function currentPromptId(state: SessionState): string {
  const pending = state.pending?.kind;
  if (pending === 'confirm_delete') return PROMPT.delete;
  if (pending === 'language') return PROMPT.language;
  if (pending === 'review_theme') return PROMPT.review;
  if (pending === 'switch_council') return PROMPT.switchCouncil;
  if (pending === 'workshop_contact') return PROMPT.workshopContact;
  if (pending === 'workshop_gender') return PROMPT.workshopGender;
  switch (state.stage) {
    case 'consent':
      return PROMPT.consent;
    case 'council':
      return PROMPT.council;
    case 'questions':
      return state.current ?? PROMPT.review;
    case 'review':
      return PROMPT.review;
    case 'done':
      return PROMPT.done;
  }
}

type Answer = Extract<EngineInput, { kind: 'text' | 'choice' }>;

function answer(turn: Turn, input: Answer): void {
  const { state, ctx } = turn;
  const choiceId = input.kind === 'choice' ? input.choiceId : undefined;
  const text = input.kind === 'text' ? input.text : undefined;
  const pending = state.pending?.kind;
  if (pending === 'confirm_delete') return confirmDelete(turn, yesNoOf(turn, input));
  if (pending === 'language') return chooseLanguage(turn, choiceId ?? text ?? '');
  if (pending === 'switch_council') return answerSwitchCouncil(turn, input);
  if (pending === 'workshop_contact') return answerWorkshopContact(turn, input);
  if (pending === 'workshop_gender') return answerWorkshopGender(turn, input);
  // Councils were imported after this person finished, or while they sat on the review.
  if ((state.stage === 'review' || state.stage === 'done') && askCouncilIfMissing(turn)) return;
  switch (state.stage) {
    case 'consent':
      return answerConsent(turn, input);
    case 'council':
      return answerCouncil(turn, { choiceId, text });
    case 'review':
      return answerReview(turn, { choiceId, text });
    case 'done':
      // « Voir mes réponses » of an older message.
      if (choiceId === 'summary') return runCommand(turn, 'summary');
      return askCurrent(turn);
    case 'questions': {
      const question = state.current ? findQuestion(ctx.consultation, state.current) : undefined;
      if (!question) return askCurrent(turn);
      return answerQuestion(turn, question, input);
    }
  }
}

function confirmDelete(turn: Turn, answer: 'yes' | 'no' | undefined): void {
  const { t, ctx } = turn;
  if (answer === 'yes') {
    turn.emit({ type: 'data_deletion_requested' });
    turn.state = initialState(ctx.consultation.id, turn.state.lang);
    return turn.say(t('delete.done'));
  }
  turn.state.pending = undefined;
  if (answer === 'no') turn.say(t('delete.cancelled'));
  else turn.say(t('delete.not_understood'));
  askCurrent(turn);
}

function chooseLanguage(turn: Turn, typed: string): void {
  const match = matchChoice(typed, languageChoices);
  const lang =
    typed === 'fr' || typed === 'en' ? typed : match.kind === 'one' ? match.id : undefined;
  turn.state.pending = undefined;
  if (lang === 'fr' || lang === 'en') {
    if (lang !== turn.state.lang) turn.emit({ type: 'language_changed', lang });
    turn.state.lang = lang;
    turn.say(turn.t('language.changed'));
  }
  askCurrent(turn);
}

const languageChoices = [
  { id: 'fr', label: 'Français', synonyms: ['francais', 'french', 'en francais'] },
  { id: 'en', label: 'English', synonyms: ['anglais', 'in english', 'english please'] },
];

/** Commands that may come before the welcome: changing the language, help, deleting. */
function opensWithCommand(command: CommandName | undefined): boolean {
  return command === 'language' || command === 'help' || command === 'delete';
}

/**
 * A command typed as "/retour", a button (« Reprendre » carries "/resume"), recognised by
 * the NLU when it is not an answer, or a question back (« pourquoi ? »), explained.
 */
function commandOf(
  turn: Turn,
  input: EngineInput,
): { command?: CommandName | undefined; back?: QuestionBack | undefined } {
  if (input.kind === 'command') return { command: input.command };
  if (input.kind === 'start') return { command: 'start' };
  if (input.kind === 'choice') return { command: buttonCommand(input.choiceId) };
  if (input.kind !== 'text') return {};
  const context = expectsAnswer(turn, input.text);
  const back = questionBackOf(input.text);
  const explained =
    back !== undefined && (context !== 'free_text' || isAboutTheBot(back)) ? back : undefined;
  const command = commandFromText(input.text, input.intent, explained ? 'other' : context);
  // « ça veut dire quoi … ? » names a choice, or « c'est quoi le récap ? » a command: the
  // question wins over both, except a request for help, which explains too.
  if (explained && command !== 'help') return { command: 'explain', back: explained };
  return { command, back: explained };
}

function buttonCommand(choiceId: string): CommandName | undefined {
  if (!choiceId.startsWith('/')) return undefined;
  return commandNames.find((name) => `/${name}` === choiceId);
}

/** Whether the text reads as an answer to the prompt on screen, so an intent must not steal it. */
function expectsAnswer(turn: Turn, text: string): 'free_text' | 'choice_matched' | 'other' {
  const { state, ctx } = turn;
  if (state.pending?.kind === 'other') return 'free_text';
  if (state.pending?.kind === 'workshop_contact')
    return answersWorkshopContact(turn, text) ? 'choice_matched' : 'other';
  if (state.pending?.kind === 'workshop_gender')
    return answersWorkshopGender(turn, text) ? 'choice_matched' : 'other';
  if (state.pending?.kind === 'language')
    return matchChoice(text, languageChoices).kind === 'one' ? 'choice_matched' : 'other';
  if (state.stage === 'consent') {
    const consent = consentOf(turn, { kind: 'text', text });
    return consent && consent !== 'unsure' ? 'choice_matched' : 'other';
  }
  if (state.stage === 'council' && state.pending?.kind !== 'councils') return 'free_text';
  if (state.stage === 'review') return typedReviewChoice(turn, text) ? 'choice_matched' : 'other';
  if (state.stage !== 'questions' || !state.current) return 'other';
  const question = findQuestion(ctx.consultation, state.current);
  if (!question) return 'other';
  if (question.type === 'text') return 'free_text';
  if (saysDone(turn, question, text)) return 'choice_matched';
  const candidates = choiceCandidates(question, ctx.catalog, state.lang);
  // Only a clear answer keeps a command from being heard: « plus tard » is no « Plus de … ».
  return readChoice(text, candidates).kind === 'sure' ? 'choice_matched' : 'other';
}

/** After `closesAt` (or before `opensAt`) only help and deleting one's data still work. */
function isClosed(turn: Turn, command: CommandName | undefined): boolean {
  const { consultation } = turn.ctx;
  const now = turn.ctx.now.getTime();
  const lang = turn.state.lang;
  const deleting = command === 'delete' || turn.state.pending?.kind === 'confirm_delete';
  if (deleting) return false;
  if (consultation.opensAt && now < Date.parse(consultation.opensAt)) {
    turn.say(
      turn.t('not_open', { date: formatDate(consultation.opensAt, consultation.timeZone, lang) }),
    );
    return true;
  }
  if (consultation.closesAt && now >= Date.parse(consultation.closesAt)) {
    turn.say(
      turn.t('closed', { date: formatDate(consultation.closesAt, consultation.timeZone, lang) }),
    );
    return true;
  }
  return false;
}
