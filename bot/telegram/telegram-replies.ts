import type { EngineEvent } from '../../dialogs/engine-event.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Translate } from '../../dialogs/translate.js';
import type { HandledTurn } from '../handle-turn.js';

/**
 * A turn's replies as Telegram shows them: the continuation code comes with the web page's
 * address, where it can be typed too.
 *
 * @example telegramReplies(turn, t, 'https://concerto.example.org') // « … Sur la page web : https://… »
 */
export function telegramReplies(
  turn: Pick<HandledTurn, 'replies' | 'events'>,
  t: Translate,
  publicUrl: string,
): EngineReply[] {
  const issued = turn.events.find(
    (e): e is Extract<EngineEvent, { type: 'continuation_code_issued' }> =>
      e.type === 'continuation_code_issued',
  );
  if (!issued || turn.replies.length === 0) return turn.replies;
  const url = new URL('/', publicUrl).toString();
  const found = turn.replies.findIndex((r) => r.text.includes(issued.code));
  const index = found < 0 ? turn.replies.length - 1 : found;
  return turn.replies.map((reply, i) =>
    i === index ? { ...reply, text: `${reply.text}\n${t('telegram.code.web', { url })}` } : reply,
  );
}
