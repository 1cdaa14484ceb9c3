import type { EngineInput } from '../../dialogs/engine-input.js';
import type { ReplyChoice } from '../../dialogs/engine-reply.js';

/**
 * A typed line: the number of a choice shown, or its exact label, presses that button;
 * anything else is text for the engine to understand.
 */
export function inputFromLine(
  line: string,
  choices: readonly ReplyChoice[],
  promptId: string | undefined,
): EngineInput {
  const text = line.trim();
  if (promptId && choices.length > 0) {
    const number = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
    const byNumber = choices[number - 1];
    if (byNumber) return { kind: 'choice', promptId, choiceId: byNumber.id };
    const byLabel = choices.find((c) => c.label.toLowerCase() === text.toLowerCase());
    if (byLabel) return { kind: 'choice', promptId, choiceId: byLabel.id };
  }
  return { kind: 'text', text: line };
}
