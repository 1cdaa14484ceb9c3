import type { ContinuationOutcome, EngineInput } from './engine-input.js';
import { runCommand } from './run-command.js';
import type { Turn } from './turn.js';

/** How long an issued continuation code can be used (the reply says so; storage expires it). */
export const continuationCodeMinutes = 30;

/** Only the exact shape `ABCD-EFGH` (any case, any dash) counts as a code, never an ordinary answer. */
const codePattern = /^([A-HJ-NP-Z2-9]{4})[-‐‑–—]([A-HJ-NP-Z2-9]{4})$/i;

/**
 * The normalised code (`ABCDEFGH`) if the text is exactly a continuation code.
 *
 * @example continuationCodeOf(' k7qh–m3px ') // 'K7QHM3PX'
 */
export function continuationCodeOf(text: string): string | undefined {
  const match = codePattern.exec(text.trim());
  return match ? `${match[1]}${match[2]}`.toUpperCase() : undefined;
}

/**
 * « code »: gives the code the caller drew for this turn (`ctx.newContinuationCode`), to type
 * in another channel. Storage keeps it once the event is committed.
 */
export function issueContinuationCode(turn: Turn): void {
  const code = turn.ctx.newContinuationCode;
  turn.emit({ type: 'continuation_code_issued', code });
  turn.say(turn.t('code.issued', { code, minutes: continuationCodeMinutes }));
}

/**
 * A typed continuation code, or what became of one. A code only raises an event (no reply):
 * the caller redeems it and runs the engine again, on the code's participant when it was good,
 * with a `continuation` input saying how it went. Returns whether the input was one of these.
 */
export function continueElsewhere(turn: Turn, input: EngineInput): boolean {
  if (input.kind === 'continuation') {
    answerContinuation(turn, input.outcome);
    return true;
  }
  const code = input.kind === 'text' ? continuationCodeOf(input.text) : undefined;
  if (code === undefined) return false;
  turn.emit({ type: 'continuation_code_entered', code });
  return true;
}

function answerContinuation(turn: Turn, outcome: ContinuationOutcome): void {
  switch (outcome) {
    case 'linked':
    case 'moved':
      turn.say(turn.t(outcome === 'moved' ? 'code.redeemed_moved' : 'code.redeemed'));
      return runCommand(turn, 'resume');
    case 'invalid':
      return turn.say(turn.t('code.invalid'));
    case 'too_many':
      return turn.say(turn.t('code.too_many'));
  }
}
