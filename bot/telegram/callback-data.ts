/** Telegram refuses callback data longer than this many bytes. */
export const MAX_CALLBACK_BYTES = 64;

/** Buttons of the coordinator commands start with this, which no engine prompt id does. */
export const COORDINATOR_PREFIX = '!';

/** Marks a button whose ids were too long: its label is sent as typed text instead. */
const LABEL_PREFIX = '~';

export type CallbackAction =
  | { kind: 'choice'; promptId: string; choiceId: string }
  /** Ids too long for Telegram: the engine understands the label typed back. */
  | { kind: 'label' }
  | { kind: 'coordinator'; action: string }
  | { kind: 'malformed' };

/**
 * `<promptId>:<choiceId>`, the engine's own ids, short by design. Longer than Telegram allows:
 * `~<index>`, answered by the button's label (read back from the message's keyboard).
 *
 * @example callbackDataFor('tire', 'transport', 2) // 'tire:transport'
 */
export function callbackDataFor(promptId: string, choiceId: string, index: number): string {
  const data = `${promptId}:${choiceId}`;
  return byteLength(data) <= MAX_CALLBACK_BYTES && !promptId.includes(':')
    ? data
    : `${LABEL_PREFIX}${index}`;
}

/** Reads what a pressed button means; anything unexpected is `malformed`, never an exception. */
export function parseCallbackData(data: string | undefined): CallbackAction {
  if (!data || byteLength(data) > MAX_CALLBACK_BYTES) return { kind: 'malformed' };
  if (data.startsWith(COORDINATOR_PREFIX))
    return { kind: 'coordinator', action: data.slice(COORDINATOR_PREFIX.length) };
  if (/^~\d{1,3}$/.test(data)) return { kind: 'label' };
  const separator = data.indexOf(':');
  if (separator <= 0 || separator === data.length - 1) return { kind: 'malformed' };
  return {
    kind: 'choice',
    promptId: data.slice(0, separator),
    choiceId: data.slice(separator + 1),
  };
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
