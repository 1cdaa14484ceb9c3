import type { EngineInput } from './engine-input.js';
import type { Turn } from './turn.js';

/**
 * Whether messages reach the person. The channel reports a refused delivery (Telegram 403:
 * the bot was blocked) as an `undeliverable` input: the state says so, reminders skip them,
 * and nothing is answered. Anything they send later shows they can be reached again.
 * Returns whether the input was that report (then the turn is over).
 */
export function noteDelivery(turn: Turn, input: EngineInput): boolean {
  const { state } = turn;
  if (input.kind === 'undeliverable') {
    if (state.unreachable !== true) turn.emit({ type: 'participant_unreachable' });
    state.unreachable = true;
    return true;
  }
  if (state.unreachable === true) {
    state.unreachable = false;
    turn.emit({ type: 'participant_reachable' });
  }
  return false;
}
