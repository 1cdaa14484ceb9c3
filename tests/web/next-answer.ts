/** A bot message as the tests see it: its prompt and the buttons it offers. */
export interface Prompt {
  promptId?: string | undefined;
  choices: { choiceId: string; title: string }[];
}

export type Answer =
  | { kind: 'tap'; choiceId: string; title: string }
  | { kind: 'type'; text: string }
  | { kind: 'finished' };

/**
 * A participant who always answers: accepts, skips the council, takes the first real option
 * (then "done" on a multiple choice), writes a sentence when there are no buttons, confirms
 * the review. Deterministic, so the whole questionnaire runs the same way every time.
 */
export function nextAnswer(prompt: Prompt | undefined, tappedBefore: ReadonlySet<string>): Answer {
  if (!prompt || prompt.choices.length === 0)
    return { kind: 'type', text: 'Plus de bus le soir et une salle pour les jeunes.' };
  const pick = (id: string) => prompt.choices.find((c) => c.choiceId === id);
  const tap = (choice: { choiceId: string; title: string }): Answer => ({ kind: 'tap', ...choice });
  if (prompt.promptId === '_done') return { kind: 'finished' };
  if (prompt.promptId === '_consent') return tap(pick('yes') ?? prompt.choices[0]!);
  if (prompt.promptId === '_council') return tap(pick('_skip') ?? prompt.choices[0]!);
  if (prompt.promptId === '_review') return tap(pick('confirm') ?? prompt.choices[0]!);
  const done = pick('_done');
  if (done && tappedBefore.has(prompt.promptId ?? '')) return tap(done);
  const real = prompt.choices.find(
    (c) => !c.choiceId.startsWith('_') && c.choiceId !== 'other' && c.choiceId !== 'no',
  );
  // Only "skip" on offer: a free-text question; answer it in words.
  if (!real) return { kind: 'type', text: 'Plus de bus le soir et une salle pour les jeunes.' };
  return tap(real);
}
