import { commandNames, type CommandName } from './engine-input.js';
import type { IntentGuess } from './nlu/intent-name.js';
import { normalizeText } from './nlu/normalize-text.js';

/** Slash commands in both languages: "/retour" and "/back" are the same. */
const slashAliases: Readonly<Record<string, CommandName>> = {
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
};

const INTENT_SCORE = 0.8;
const MAX_WORDS_IN_FREE_TEXT = 5;

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
    const known = commandNames.find((name) => name === word) ?? slashAliases[word];
    if (known) return known;
  }
  if (!intent || intent.score < INTENT_SCORE || context === 'choice_matched') return undefined;
  // "2" or "👍" is an answer or nothing, never a command.
  if (!/\p{L}/u.test(text)) return undefined;
  if (intent.intent === 'yes' || intent.intent === 'no') return undefined;
  if (context === 'free_text' && normalizeText(text).split(' ').length > MAX_WORDS_IN_FREE_TEXT)
    return undefined;
  return intent.intent;
}
