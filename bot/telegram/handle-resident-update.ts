import type { Context } from 'grammy';
import type { CallbackQuery } from 'grammy/types';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { translator } from '../../dialogs/translate.js';
import type { HandledTurn } from '../handle-turn.js';
import type { ChannelContext } from '../serve-command.js';
import { parseCallbackData } from './callback-data.js';
import { inboundFromUpdate, langFromCode } from './input-from-update.js';
import { buttonLabel, keyboardFor, tickedLabels } from './render-reply.js';
import { deliver, sendReplies, type SendContext } from './send-replies.js';

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
  const send = sendContext(ctx, context, chat.id, t);
  if (inbound.kind === 'group') {
    const url = `https://t.me/${ctx.me.username}`;
    await deliver(send, () =>
      ctx.api.sendMessage(chat.id, t('telegram.group'), {
        reply_markup: { inline_keyboard: [[{ text: t('telegram.group.button'), url }]] },
      }),
    );
    return;
  }
  if (inbound.kind === 'edited') {
    await deliver(send, () => ctx.api.sendMessage(chat.id, t('telegram.edited')));
    return;
  }
  const turn = await runTurn(ctx, context, inbound.input);
  // Redelivered after a crash between its commit and its replies: they come back with it.
  if (turn.duplicate && turn.replies.length === 0) return;
  await sendReplies(turn.replies, { ...send, t: translator(context.catalog, turn.lang) });
}

/** A pressed button: answer the tap, settle the tapped message, then send what follows. */
async function handleTap(ctx: Context, context: ChannelContext): Promise<void> {
  const query = ctx.callbackQuery;
  const chat = ctx.chat;
  if (!query || !chat || chat.type !== 'private') {
    await ctx.answerCallbackQuery().catch(() => undefined);
    return;
  }
  const t = translator(context.catalog, langFromCode(query.from.language_code));
  const message = query.message;
  const markup = message && 'reply_markup' in message ? message.reply_markup : undefined;
  const action = parseCallbackData(query.data);
  const label = query.data ? buttonLabel(markup, query.data) : undefined;
  let input: EngineInput | undefined;
  if (action.kind === 'choice')
    input = { kind: 'choice', promptId: action.promptId, choiceId: action.choiceId };
  if (action.kind === 'label' && label) input = { kind: 'text', text: label };
  if (!input) {
    await ctx.answerCallbackQuery({ text: t('telegram.malformed_button') }).catch(() => undefined);
    return;
  }
  const turn = await runTurn(ctx, context, input);
  await ctx.answerCallbackQuery().catch(() => undefined);
  if (turn.duplicate && turn.replies.length === 0) return;
  const send = sendContext(ctx, context, chat.id, translator(context.catalog, turn.lang));
  const promptId = action.kind === 'choice' ? action.promptId : undefined;
  const inPlace = turn.replies.find(
    (r) => r.multiSelect && promptId !== undefined && r.promptId === promptId,
  );
  const settled = message ? await settleTapped(send, message, turn, inPlace, label) : 'sent';
  if (settled === 'blocked') return;
  await sendReplies(
    turn.replies.filter((r) => r !== inPlace),
    send,
  );
}

/**
 * The tapped message after the turn: ticks updated in place (multiple choice), or the answer
 * written under the question with the buttons gone, so the same question cannot be answered twice.
 */
async function settleTapped(
  send: SendContext,
  message: TappedMessage,
  turn: HandledTurn,
  inPlace: EngineReply | undefined,
  label: string | undefined,
): Promise<'sent' | 'blocked' | 'failed'> {
  const { api, chatId } = send;
  const noButtons = { reply_markup: { inline_keyboard: [] } };
  if (inPlace) {
    const reply_markup = keyboardFor(inPlace) ?? { inline_keyboard: [] };
    return deliver(send, () =>
      api.editMessageReplyMarkup(chatId, message.message_id, { reply_markup }),
    );
  }
  const rejected = turn.events.some((e) => e.type === 'input_rejected');
  const text = 'text' in message ? message.text : undefined;
  if (rejected || text === undefined) {
    // Not taken (stale or refused): only take the old buttons away; the engine says why.
    return deliver(send, () => api.editMessageReplyMarkup(chatId, message.message_id, noButtons));
  }
  const markup = 'reply_markup' in message ? message.reply_markup : undefined;
  const ticked = tickedLabels(markup);
  const chosen = ticked.length > 0 ? ticked.join(', ') : (label ?? '');
  return deliver(send, () =>
    api.editMessageText(chatId, message.message_id, `${text}\n\n✅ ${chosen}`, noButtons),
  );
}

/** The identity is the private chat (for a person, the same number as their user id). */
async function runTurn(
  ctx: Context,
  context: ChannelContext,
  input: EngineInput,
): Promise<HandledTurn> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) throw new Error('telegram: a turn without a chat');
  // Shown while the turn is stored; its failure matters to nobody.
  void ctx.api.sendChatAction(chatId, 'typing').catch(() => undefined);
  return context.handleTurn({ channel: 'telegram', externalId: String(chatId) }, input, {
    inboundId: `tg:${ctx.me.id}:${ctx.update.update_id}`,
    lang: langFromCode(ctx.from?.language_code),
  });
}

function sendContext(
  ctx: Context,
  context: ChannelContext,
  chatId: number,
  t: SendContext['t'],
): SendContext {
  return {
    api: ctx.api,
    chatId,
    t,
    log: context.log,
    // A turn of its own: the engine marks them unreachable; their next message clears it.
    onBlocked: async () => {
      await context.handleTurn(
        { channel: 'telegram', externalId: String(chatId) },
        { kind: 'undeliverable' },
      );
    },
  };
}

type TappedMessage = NonNullable<CallbackQuery['message']>;
