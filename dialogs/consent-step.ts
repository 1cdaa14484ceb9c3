import { askCurrent, PROMPT, promptConsent } from './ask-current.js';
import { enterCouncilStep } from './council-step.js';
import { editDistance } from './nlu/edit-distance.js';
import type { IntentGuess } from './nlu/intent-name.js';
import { toCommandWords } from './nlu/to-command-words.js';
import { consentTextVersion } from './questionnaire-schema.js';
import { synonymsOf } from './translate.js';
import type { Turn } from './turn.js';
import { yesNoOf } from './yes-no-of.js';

type ConsentInput =
  | { kind: 'choice'; choiceId: string }
  | { kind: 'text'; text: string; intent?: IntentGuess | null | undefined };

/**
 * The answer to the consent question. Only a clear yes consents: the button, or a typed
 * « oui », « oui j'accepte », « d'accord »… A yes the NLU only guesses (« carrément »,
 * « pourquoi pas ») is asked again; a question back never gets here (it is explained).
 */
export function answerConsent(turn: Turn, input: ConsentInput): void {
  const { state, t } = turn;
  const answer = consentOf(turn, input);
  if (answer === 'more') {
    state.pending = { kind: 'consent_details' };
    return promptConsent(turn, 'details');
  }
  if (answer === 'yes') {
    state.consented = true;
    state.pending = undefined;
    state.failures = 0;
    turn.emit({ type: 'consent_given', textVersion: consentTextVersion(turn.ctx.consultation) });
    turn.say(t('consent.thanks'));
    return enterCouncilStep(turn);
  }
  if (answer === 'no') {
    state.pending = undefined;
    state.failures = 0;
    turn.emit({ type: 'consent_refused' });
    return turn.say(t('consent.refused'), {
      choices: [
        { id: 'yes', label: t('consent.accept') },
        { id: 'more', label: t('consent.more') },
      ],
      promptId: PROMPT.consent,
    });
  }
  state.failures += 1;
  if (answer === 'unsure') {
    return turn.say(t('consent.confirm'), {
      choices: [
        { id: 'yes', label: t('consent.accept') },
        { id: 'no', label: t('consent.refuse') },
      ],
      promptId: PROMPT.consent,
    });
  }
  turn.say(t('consent.not_understood'));
  askCurrent(turn);
}

/** "J'accepte", "Je refuse" or "En savoir plus", tapped or clearly typed. */
export function consentOf(
  turn: Turn,
  input: ConsentInput,
): 'yes' | 'no' | 'more' | 'unsure' | undefined {
  if (input.kind === 'choice') {
    const id = input.choiceId;
    return id === 'yes' || id === 'no' || id === 'more' ? id : undefined;
  }
  const { catalog } = turn.ctx;
  const said = toCommandWords(input.text).join(' ');
  if (said === '') return undefined;
  const says = (key: string) =>
    [...synonymsOf(catalog.fr, key), ...synonymsOf(catalog.en, key)].some((phrase) =>
      samePhrase(said, toCommandWords(phrase).join(' ')),
    );
  if (says('consent.more.syn')) return 'more';
  if (says('consent.no.syn')) return 'no';
  if (says('consent.yes.syn')) return 'yes';
  const yesNo = yesNoOf(turn, input);
  if (yesNo === 'no') return 'no';
  if (yesNo === 'yes') return 'unsure';
  return undefined;
}

/** The same phrase, or one typo away once spaces are left out ("jaccepte", "d'acord"). */
function samePhrase(said: string, phrase: string): boolean {
  if (said === phrase) return true;
  const a = said.replace(/ /g, '');
  const b = phrase.replace(/ /g, '');
  return a === b || (b.length >= 6 && editDistance(a, b, 1) <= 1);
}
