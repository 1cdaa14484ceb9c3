import type { EngineInput } from '../../dialogs/engine-input.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';

/** Taps "C'est tout"/"Valider"/"Oui" when offered, else the first real choice, else types. */
export function nextInput(reply: EngineReply | undefined): EngineInput {
  const choices = reply?.choices ?? [];
  const ticked = !reply?.multiSelect || choices.some((c) => c.label.startsWith('✓'));
  const done = choices.find(
    (c) => (c.id === '_done' && ticked) || c.id === 'confirm' || c.id === 'yes',
  );
  const first = choices.find((c) => !c.id.startsWith('_') && c.id !== 'other' && c.id !== 'none');
  const pick = done ?? first;
  if (reply?.promptId && pick)
    return { kind: 'choice', promptId: reply.promptId, choiceId: pick.id };
  return { kind: 'text', text: 'Des bus plus tard le soir' };
}
