import { answerQuestion, saysDone } from './answer-step.js';
import { askCurrent, formatDate, PROMPT, promptConsent } from './ask-current.js';
import { continueElsewhere } from './continuation-step.js';
import { answerCouncil, enterCouncilStep } from './council-step.js';
import { noteDelivery } from './delivery-step.js';
import type { EngineContext, TurnResult } from './engine-context.js';
import type { CommandName, EngineInput } from './engine-input.js';
import { matchChoice } from './nlu/match-choice.js';
import { findQuestion } from './questionnaire-walk.js';
import { consentTextVersion } from './questionnaire-schema.js';
import { answerReview } from './review-step.js';
import { runCommand } from './run-command.js';
import { initialState, type SessionState } from './session-state.js';
import { commandFromText } from './command-from-text.js';
import { choiceCandidates } from './choice-candidates.js';
import { Turn } from './turn.js';

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
  if (noteDelivery(turn, input) || continueElsewhere(turn, input)) return turn.result();
  const command = commandOf(turn, input);
  if (isClosed(turn, command)) return turn.result();
  if (input.kind === 'start' && input.payload && !turn.state.councilId)
    turn.state.invitation = input.payload.trim();
  if (command) {
    runCommand(turn, command);
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
  switch (state.stage) {
    case 'consent':
      return answerConsent(turn, consentChoiceOf(turn, input) ?? yesNoOf(turn, input));
    case 'council':
      return answerCouncil(turn, { choiceId, text });
    case 'review':
      return answerReview(turn, { choiceId, text });
    case 'done':
      if (choiceId === 'summary') return runCommand(turn, 'summary');
      return askCurrent(turn);
    case 'questions': {
      const question = state.current ? findQuestion(ctx.consultation, state.current) : undefined;
      if (!question) return askCurrent(turn);
      return answerQuestion(
        turn,
        question,
        input.kind === 'choice' ? { kind: 'choice', choiceId: input.choiceId } : input,
      );
    }
  }
}

function answerConsent(turn: Turn, answer: 'yes' | 'no' | 'more' | undefined): void {
  const { state, t } = turn;
  if (answer === 'more') {
    state.pending = { kind: 'consent_details' };
    return promptConsent(turn, true);
  }
  if (answer === 'yes') {
    state.consented = true;
    state.pending = undefined;
    turn.emit({ type: 'consent_given', textVersion: consentTextVersion(turn.ctx.consultation) });
    turn.say(t('consent.thanks'));
    return enterCouncilStep(turn);
  }
  if (answer === 'no') {
    state.pending = undefined;
    turn.emit({ type: 'consent_refused' });
    return turn.say(t('consent.refused'), {
      choices: [{ id: 'yes', label: t('consent.accept') }],
      promptId: PROMPT.consent,
    });
  }
  turn.say(t('reject.yesno'));
  askCurrent(turn);
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

/** "J'accepte", "Je refuse" or "En savoir plus", tapped or typed. */
function consentChoiceOf(turn: Turn, input: Answer): 'yes' | 'no' | 'more' | undefined {
  const { t } = turn;
  const id = input.kind === 'choice' ? input.choiceId : undefined;
  if (id === 'yes' || id === 'no' || id === 'more') return id;
  if (input.kind !== 'text' || !/\p{L}/u.test(input.text)) return undefined;
  const match = matchChoice(input.text, [
    { id: 'yes', label: t('consent.accept') },
    { id: 'no', label: t('consent.refuse') },
    { id: 'more', label: t('consent.more') },
  ]);
  return match.kind === 'one' && (match.id === 'yes' || match.id === 'no' || match.id === 'more')
    ? match.id
    : undefined;
}

/** Yes or no from a button, an NLU intent, or a typed "oui"/"non". */
function yesNoOf(turn: Turn, input: Answer): 'yes' | 'no' | undefined {
  if (input.kind === 'choice')
    return input.choiceId === 'yes' ? 'yes' : input.choiceId === 'no' ? 'no' : undefined;
  if (input.intent?.intent === 'yes' && input.intent.score >= 0.6) return 'yes';
  if (input.intent?.intent === 'no' && input.intent.score >= 0.6) return 'no';
  const yesNo = choiceCandidates(
    { type: 'yesno', id: 'yn', text: 'yn', required: true },
    turn.ctx.catalog,
    turn.state.lang,
  );
  const match = matchChoice(input.text, yesNo);
  return match.kind === 'one' && (match.id === 'yes' || match.id === 'no') ? match.id : undefined;
}

/** A command typed as "/retour", a button, or recognised by the NLU (when it is not an answer). */
function commandOf(turn: Turn, input: EngineInput): CommandName | undefined {
  if (input.kind === 'command') return input.command;
  if (input.kind === 'start') return 'start';
  if (input.kind !== 'text') return undefined;
  return commandFromText(input.text, input.intent, expectsAnswer(turn, input.text));
}

/** Whether the text reads as an answer to the prompt on screen, so an intent must not steal it. */
function expectsAnswer(turn: Turn, text: string): 'free_text' | 'choice_matched' | 'other' {
  const { state, ctx } = turn;
  if (state.pending?.kind === 'other') return 'free_text';
  if (state.pending?.kind === 'language')
    return matchChoice(text, languageChoices).kind === 'one' ? 'choice_matched' : 'other';
  if (state.stage === 'consent')
    return consentChoiceOf(turn, { kind: 'text', text }) ? 'choice_matched' : 'other';
  if (state.stage === 'council' && state.pending?.kind !== 'councils') return 'free_text';
  if (state.stage !== 'questions' || !state.current) return 'other';
  const question = findQuestion(ctx.consultation, state.current);
  if (!question) return 'other';
  if (question.type === 'text') return 'free_text';
  if (saysDone(turn, question, text)) return 'choice_matched';
  const candidates = choiceCandidates(question, ctx.catalog, state.lang);
  return matchChoice(text, candidates).kind === 'none' ? 'other' : 'choice_matched';
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
