import type { Context } from 'grammy';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { translator } from '../../dialogs/translate.js';
import type { HandledTurn } from '../handle-turn.js';
import type { ChannelContext } from '../serve-command.js';
import { groupPointer } from './group-pointer.js';
import { handleTap } from './handle-tap.js';
import { inboundFromUpdate, langFromCode } from './input-from-update.js';
import { renderReplies } from './render-reply.js';
import { inboundIdOf, residentSendContext, runResidentTurn } from './run-resident-turn.js';
import { deliver, sendMessages, takeButtonsAway } from './send-replies.js';
import { sentMessagesOf } from './sent-messages.js';
import { telegramReplies } from './telegram-replies.js';

/**
 * A resident's update: translate it, run the one turn handler, render what comes back.
 * Storage failures propagate (to `bot.catch` in polling mode, to a 5xx in webhook mode).
 */
export async function handleResidentUpdate(ctx: Context, context: ChannelContext): Promise<void> {
  if (ctx.callbackQuery) return handleTap(ctx, context);
  const inbound = inboundFromUpdate(ctx.update);
  const chat = ctx.chat;
  if (!chat || inbound.kind === 'ignored') return;
  const t = translator(context.catalog, langFromCode(ctx.from?.language_code));
  const send = residentSendContext(ctx, context, chat.id, t);
  if (inbound.kind === 'group') {
    const pointer = groupPointer(ctx.msg?.text, ctx.me.username, context.councils, t);
    await deliver(send, () =>
      ctx.api.sendMessage(chat.id, pointer.text, {
        reply_markup: { inline_keyboard: [[{ text: pointer.button, url: pointer.url }]] },
      }),
    );
    return;
  }
  if (inbound.kind === 'edited') {
    await deliver(send, () => ctx.api.sendMessage(chat.id, t('telegram.edited')));
    return;
  }
  const turn = await runResidentTurn(ctx, context, inbound.input);
  // Redelivered after a crash between its commit and its replies: they come back with it, and
  // only those that had not gone are sent.
  if (turn.duplicate && turn.replies.length === 0) return;
  const replySend = { ...send, t: translator(context.catalog, turn.lang) };
  const replies = telegramReplies(turn, replySend.t, context.config.PUBLIC_URL);
  const messages = renderReplies(replies, replySend.t);
  const delivered = await sentMessagesOf(context, inboundIdOf(ctx), turn, messages.length);
  const sent = await sendMessages(messages, replySend, delivered);
  if (sent === 'blocked') return;
  // They typed instead of tapping: the buttons of the message before theirs are spent.
  const messageId = ctx.msg?.message_id;
  if (messageId !== undefined && hadButtons(turn.previousReplies) && movedOn(turn))
    await takeButtonsAway(replySend, messageId - 1);
}

function hadButtons(replies: readonly EngineReply[] | undefined): boolean {
  return (replies ?? []).some((r) => (r.choices ?? []).length > 0);
}

/**
 * The turn asked something (the question again, or the next one) or took an answer: the
 * buttons before are spent. A plain reply (« code », « stop ») leaves them usable.
 */
function movedOn(turn: HandledTurn): boolean {
  return (
    turn.replies.some((r) => r.promptId !== undefined) ||
    turn.events.some((e) => e.type === 'answer_recorded' || e.type === 'answer_changed')
  );
}
