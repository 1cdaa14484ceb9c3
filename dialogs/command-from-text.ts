import { commandNames, type CommandName } from './engine-input.js';
import type { IntentGuess } from './nlu/intent-name.js';
import { normalizeText } from './nlu/normalize-text.js';

/** Slash commands in both languages: "/retour" and "/back" are the same. */
const slashAliases = new Map<string, CommandName>(
  Object.entries({
    aide: 'help',
    reprendre: 'resume',
    retour: 'back',
    precedent: 'back',
    passer: 'skip',
    recap: 'summary',
    recapitulatif: 'summary',
    resume_answers: 'summary',
    langue: 'language',
    lang: 'language',
    arret: 'stop',
    supprimer: 'delete',
    effacer: 'delete',
    plustard: 'pause',
    continuer: 'resume',
    continue: 'resume',
  } satisfies Record<string, CommandName>),
);

/** Said to open a conversation, and nothing else. */
const greetings = new Set([
  ...['bonjour', 'bonsoir', 'salut', 'coucou', 'slt', 'cc', 'bjr', 'bsr', 'wesh', 'yo'],
  ...['bonjour madame', 'bonjour monsieur', 'salut a tous', 'rebonjour', 're'],
  ...['hello', 'hi', 'hey', 'hiya', 'good morning', 'good afternoon', 'good evening', 'hi there'],
]);

const INTENT_SCORE = 0.8;
const MAX_WORDS_IN_FREE_TEXT = 5;

/**
 * The words the help lists (« aide », « retour », « récap », « langue », « code »…): typed
 * alone they are that command, even where they also name a choice (« langue » is a synonym
 * of « Des freins indirects (maîtrise de la langue…) »).
 */
const commandWords = new Map<string, CommandName>([
  ...slashAliases,
  ...Object.entries({
    help: 'help',
    resume: 'resume',
    back: 'back',
    skip: 'skip',
    summary: 'summary',
    language: 'language',
    stop: 'stop',
    delete: 'delete',
    pause: 'pause',
    code: 'code',
    'plus tard': 'pause',
    later: 'pause',
  } satisfies Record<string, CommandName>),
]);

/**
 * The command a typed message asks for, if any. An intent guess is ignored when the text
 * matched a choice, and in a free-text answer unless the message is short.
 *
 * @example commandFromText('/retour', null, 'other') // 'back'
 */
export function commandFromText(
  text: string,
  intent: IntentGuess | null | undefined,
  context: 'free_text' | 'choice_matched' | 'other',
): CommandName | undefined {
  const slash = /^\s*\/([a-z_]+)(?:@\w+)?\b/i.exec(text);
  if (slash) {
    const word = normalizeText(slash[1] ?? '');
    const known = commandNames.find((name) => name === word) ?? slashAliases.get(word);
    if (known) return known;
  }
  const word = commandWords.get(normalizeText(text));
  if (word) return word;
  // « Bonjour » alone, at any step: hello back, and the question on screen again.
  if (greetings.has(normalizeText(text))) return 'resume';
  if (!intent || intent.score < INTENT_SCORE || context === 'choice_matched') return undefined;
  // "2" or "👍" is an answer or nothing, never a command.
  if (!/\p{L}/u.test(text)) return undefined;
  if (intent.intent === 'yes' || intent.intent === 'no') return undefined;
  if (context === 'free_text' && normalizeText(text).split(' ').length > MAX_WORDS_IN_FREE_TEXT)
    return undefined;
  return intent.intent;
}
