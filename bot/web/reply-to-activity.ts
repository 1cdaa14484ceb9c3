import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { translator, type Catalog } from '../../dialogs/translate.js';

/** A message activity as the bot sends it, before channel fields (ids, from, conversation). */
export interface OutboundActivity {
  type: 'message';
  text: string;
  textFormat: 'plain';
  locale: string;
  inputHint: 'expectingInput' | 'acceptingInput';
  suggestedActions?: {
    to: string[];
    actions: { type: 'postBack'; title: string; value: { promptId: string; choiceId: string } }[];
  };
  channelData: {
    progress?: EngineReply['progress'];
    /** The progress line that starts `text`, so a page with a progress bar can drop it. */
    progressLine?: string;
    promptId?: string;
    multiSelect?: boolean;
  };
}

/**
 * One engine reply as a Bot Framework message: choices become `postBack` suggested actions
 * carrying `{ promptId, choiceId }`; progress goes in `channelData` and as the first text line.
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
  return {
    type: 'message',
    text: progressLine ? `${progressLine}\n${reply.text}` : reply.text,
    textFormat: 'plain',
    locale: lang === 'en' ? 'en-GB' : 'fr-FR',
    inputHint: choices.length > 0 ? 'expectingInput' : 'acceptingInput',
    ...(promptId && choices.length > 0
      ? {
          suggestedActions: {
            to: [recipientId],
            actions: choices.map((c) => ({
              type: 'postBack' as const,
              title: c.label,
              value: { promptId, choiceId: c.id },
            })),
          },
        }
      : {}),
    channelData: {
      ...(reply.progress ? { progress: reply.progress, progressLine } : {}),
      ...(promptId ? { promptId } : {}),
      ...(reply.multiSelect ? { multiSelect: true } : {}),
    },
  };
}
