import { z } from 'zod';
import { codePointLength, isWholeText, sliceCodePoints } from '../../dialogs/code-points.js';
import { commandNames, type EngineInput } from '../../dialogs/engine-input.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';

/** The longest message text accepted, in characters (a long free-text answer fits; a pasted book does not). */
export const maxTextLength = 4000;

/**
 * A message text as a channel may accept it: whole characters only (no half of an emoji, which
 * would be stored as U+FFFD) and at most `max` of them, counted as people count them.
 */
export function textSchema(max = maxTextLength) {
  return z
    .string()
    .refine(isWholeText, { message: 'contains a broken character' })
    .refine((text) => codePointLength(text) <= max, { message: `longer than ${max} characters` });
}

// Whole characters only: a forged button's ids are written to the transcript.
const choiceValueSchema = z.object({
  promptId: z.string().min(1).max(100).refine(isWholeText),
  choiceId: z.string().min(1).max(100).refine(isWholeText),
});
const commandValueSchema = z.object({ command: z.enum(commandNames) });

/** The few activity fields the bot reads, from Direct Line or from Bot Framework. */
export interface InboundActivity {
  type?: string | undefined;
  name?: string | undefined;
  text?: string | undefined;
  value?: unknown;
  locale?: string | undefined;
}

/**
 * Translates an activity into one engine input: a button press (`value` from a postBack),
 * a command (`{ command }`), a start event (`name: 'start'`, value = invitation code) or text.
 * Anything else (typing, reactions, an empty message) gives undefined: nothing to do.
 *
 * @example activityToInput({ type: 'message', value: { promptId: 'consent', choiceId: 'yes' } })
 */
export function activityToInput(activity: InboundActivity): EngineInput | undefined {
  if (activity.type === 'event' && activity.name === 'start') {
    const payload =
      typeof activity.value === 'string' && activity.value.trim() !== ''
        ? activity.value.trim()
        : undefined;
    return { kind: 'start', payload: payload && sliceCodePoints(payload, 64) };
  }
  if (activity.type !== 'message') return undefined;
  const choice = choiceValueSchema.safeParse(activity.value);
  if (choice.success) return { kind: 'choice', ...choice.data };
  const command = commandValueSchema.safeParse(activity.value);
  if (command.success) return { kind: 'command', command: command.data.command };
  const text = activity.text?.trim() ?? '';
  if (text === '') return undefined;
  return { kind: 'text', text: sliceCodePoints(text, maxTextLength) };
}

/** The language a client asked for ("en-GB" → en); French otherwise. */
export function langOfLocale(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined;
  const base = locale.toLowerCase().slice(0, 2);
  return base === 'en' ? 'en' : base === 'fr' ? 'fr' : undefined;
}
