import { GrammyError, type Api } from 'grammy';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Translate } from '../../dialogs/translate.js';
import type { Logger } from '../logger.js';
import { renderReply } from './render-reply.js';

export interface SendContext {
  api: Api;
  chatId: number;
  t: Translate;
  log: Logger;
  /** The person blocked the bot: record it once; nothing more is sent to them. */
  onBlocked: () => Promise<void>;
}

/**
 * Sends the engine's replies in order. They are already stored, so a failed send is logged,
 * not thrown: a retry of the whole update would find it a duplicate and send nothing anyway.
 */
export async function sendReplies(
  replies: readonly EngineReply[],
  ctx: SendContext,
): Promise<void> {
  for (const reply of replies) {
    const message = renderReply(reply, ctx.t);
    const sent = await deliver(ctx, () =>
      ctx.api.sendMessage(
        ctx.chatId,
        message.text,
        message.keyboard ? { reply_markup: message.keyboard } : {},
      ),
    );
    if (sent === 'blocked') return;
  }
}

/**
 * Runs one Bot API call (already throttled and retried by the transformers): a 403 calls
 * `onBlocked` and reports `blocked`, any other failure is logged and reported as `failed`.
 */
export async function deliver(
  ctx: SendContext,
  call: () => Promise<unknown>,
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
    const level = error instanceof GrammyError && error.error_code === 400 ? 'warn' : 'error';
    ctx.log[level]({ ...describeError(error), chatId: ctx.chatId }, 'telegram: sending failed');
    return 'failed';
  }
}

/** What went wrong, without the payload (a GrammyError carries the message text). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError)
    return { method: error.method, code: error.error_code, description: error.description };
  return { err: error };
}
