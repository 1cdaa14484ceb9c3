import { GrammyError, type Api } from 'grammy';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Translate } from '../../dialogs/translate.js';
import type { Logger } from '../logger.js';
import { renderReplies, type TelegramMessage } from './render-reply.js';
import type { SentMessages } from './sent-messages.js';

export interface SendContext {
  api: Api;
  chatId: number;
  t: Translate;
  log: Logger;
  /** The person blocked the bot: record it once; nothing more is sent to them. */
  onBlocked: () => Promise<void>;
}

/**
 * Sends the engine's replies in order, as few messages as `renderReplies` makes of them. They
 * are already stored, so a failed send is logged, not thrown: a retry of the whole update
 * would find it a duplicate and send nothing anyway.
 */
export async function sendReplies(
  replies: readonly EngineReply[],
  ctx: SendContext,
): Promise<'sent' | 'blocked' | 'failed'> {
  return sendMessages(renderReplies(replies, ctx.t), ctx);
}

/**
 * Sends rendered messages in order; stops at the first the person blocked. With `sent` (a
 * turn's), skips those an earlier delivery of the update sent and records each one sent now
 * before the next.
 */
export async function sendMessages(
  messages: readonly TelegramMessage[],
  ctx: SendContext,
  sent?: SentMessages,
): Promise<'sent' | 'blocked' | 'failed'> {
  let outcome: 'sent' | 'blocked' | 'failed' = 'sent';
  for (const [index, message] of messages.entries()) {
    if (sent?.has(index)) continue;
    const result = await deliver(ctx, () =>
      ctx.api.sendMessage(
        ctx.chatId,
        message.text,
        message.keyboard ? { reply_markup: message.keyboard } : {},
      ),
    );
    if (result === 'blocked') return 'blocked';
    if (result === 'failed') outcome = 'failed';
    else await sent?.record(index);
  }
  return outcome;
}

/**
 * Runs one Bot API call (already throttled and retried by the transformers): a 403 calls
 * `onBlocked` and reports `blocked`, any other failure is logged and reported as `failed`.
 */
export async function deliver(
  ctx: SendContext,
  call: () => Promise<unknown>,
  /** A tidy-up that may find nothing to tidy (400): not worth a warning. */
  mayMiss = false,
): Promise<'sent' | 'blocked' | 'failed'> {
  try {
    await call();
    return 'sent';
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 403) {
      ctx.log.info(
        { chatId: ctx.chatId },
        'telegram: the person blocked the bot; marked unreachable',
      );
      await ctx
        .onBlocked()
        .catch((e: unknown) => ctx.log.error({ err: e }, 'telegram: could not mark unreachable'));
      return 'blocked';
    }
    // "message is not modified" after an identical edit is harmless.
    const badRequest = error instanceof GrammyError && error.error_code === 400;
    const level = badRequest ? (mayMiss ? 'debug' : 'warn') : 'error';
    ctx.log[level]({ ...describeError(error), chatId: ctx.chatId }, 'telegram: sending failed');
    return 'failed';
  }
}

/**
 * Takes the buttons off one of the bot's messages. In a private chat with a bot, Telegram
 * numbers the person's messages and the bot's in one sequence, so the message before one of
 * theirs is the bot's last one; when they sent several in a row it is one of theirs, which
 * Telegram refuses to edit (400): nothing to tidy then.
 */
export async function takeButtonsAway(ctx: SendContext, messageId: number): Promise<void> {
  if (messageId < 1) return;
  await deliver(
    ctx,
    () =>
      ctx.api.editMessageReplyMarkup(ctx.chatId, messageId, {
        reply_markup: { inline_keyboard: [] },
      }),
    true,
  );
}

/** What went wrong, without the payload (a GrammyError carries the message text). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError)
    return { method: error.method, code: error.error_code, description: error.description };
  return { err: error };
}
