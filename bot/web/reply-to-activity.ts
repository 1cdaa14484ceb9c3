import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { translator, type Catalog } from '../../dialogs/translate.js';

type ChoiceAction =
  | { type: 'postBack'; title: string; value: { promptId: string; choiceId: string } }
  | { type: 'imBack'; title: string; value: string };

/** A message activity as the bot sends it, before channel fields (ids, from, conversation). */
export interface OutboundActivity {
  type: 'message';
  text: string;
  textFormat: 'plain';
  locale: string;
  inputHint: 'expectingInput' | 'acceptingInput';
  suggestedActions?: { to: string[]; actions: ChoiceAction[] };
  /** What our own page needs beyond Direct Line; other clients ignore it. */
  channelData: {
    progress?: EngineReply['progress'];
    /** The progress line that starts `text`, so a page with a progress bar can drop it. */
    progressLine?: string;
    promptId?: string;
    multiSelect?: boolean;
    /** Choice ids ticked on a multiple choice (their titles also start with "✓ "). */
    picked?: string[];
    /** The text asks for numbers: the page shows each option's number on its button. */
    numbered?: boolean;
    /** Free text of at most this many characters is expected. */
    textLimit?: number;
  };
}

/** How the engine marks a ticked option of a multiple choice. */
const tick = '✓ ';

/**
 * One engine reply as a Bot Framework message: choices become `postBack` suggested actions
 * carrying `{ promptId, choiceId }` (or `imBack` of their label when the reply names no
 * prompt); progress goes in `channelData` and as the first text line.
 *
 * @example replyToActivity({ text: 'Bonjour' }, 'fr', catalog, 'user-1').text === 'Bonjour'
 */
export function replyToActivity(
  reply: EngineReply,
  lang: Lang,
  catalog: Catalog,
  recipientId: string,
): OutboundActivity {
  const progressLine = reply.progress
    ? translator(catalog, lang)('progress', { ...reply.progress })
    : undefined;
  const { promptId } = reply;
  const choices = reply.choices ?? [];
  const actions: ChoiceAction[] = choices.map((c) =>
    promptId
      ? { type: 'postBack', title: c.label, value: { promptId, choiceId: c.id } }
      : { type: 'imBack', title: c.label, value: c.label },
  );
  return {
    type: 'message',
    text: progressLine ? `${progressLine}\n${reply.text}` : reply.text,
    textFormat: 'plain',
    locale: lang === 'en' ? 'en-GB' : 'fr-FR',
    inputHint: choices.length > 0 || reply.textLimit ? 'expectingInput' : 'acceptingInput',
    ...(actions.length > 0 ? { suggestedActions: { to: [recipientId], actions } } : {}),
    channelData: {
      ...(reply.progress ? { progress: reply.progress, progressLine } : {}),
      ...(promptId ? { promptId } : {}),
      ...(reply.multiSelect
        ? {
            multiSelect: true,
            picked: choices.filter((c) => c.label.startsWith(tick)).map((c) => c.id),
          }
        : {}),
      ...(reply.numbered ? { numbered: true } : {}),
      ...(reply.textLimit ? { textLimit: reply.textLimit } : {}),
    },
  };
}
