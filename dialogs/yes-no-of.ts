import { choiceCandidates } from './choice-candidates.js';
import type { IntentGuess } from './nlu/intent-name.js';
import { matchChoice } from './nlu/match-choice.js';
import { questionBackOf } from './nlu/question-back-of.js';
import type { Turn } from './turn.js';

const YES_NO_SCORE = 0.6;

/**
 * Yes or no from a button (ids `buttons`), an NLU intent, or a typed "oui"/"non"; never from
 * a question back (« pourquoi ? » is no « pourquoi pas »).
 */
export function yesNoOf(
  turn: Turn,
  input:
    | { kind: 'choice'; choiceId: string }
    | { kind: 'text'; text: string; intent?: IntentGuess | null | undefined },
  buttons: { yes: string; no: string } = { yes: 'yes', no: 'no' },
): 'yes' | 'no' | undefined {
  if (input.kind === 'choice')
    return input.choiceId === buttons.yes
      ? 'yes'
      : input.choiceId === buttons.no
        ? 'no'
        : undefined;
  if (questionBackOf(input.text)) return undefined;
  const yesNo = choiceCandidates(
    { type: 'yesno', id: 'yn', text: 'yn', required: true },
    turn.ctx.catalog,
    turn.state.lang,
  );
  const match = matchChoice(input.text, yesNo);
  if (match.kind === 'one' && match.sure && (match.id === 'yes' || match.id === 'no'))
    return match.id;
  const intent = input.intent;
  if (intent?.intent === 'yes' && intent.score >= YES_NO_SCORE) return 'yes';
  if (intent?.intent === 'no' && intent.score >= YES_NO_SCORE) return 'no';
  return undefined;
}
