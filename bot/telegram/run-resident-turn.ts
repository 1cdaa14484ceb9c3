import type { Context } from 'grammy';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { HandledTurn } from '../handle-turn.js';
import type { ChannelContext } from '../serve-command.js';
import { langFromCode } from './input-from-update.js';
import type { SendContext } from './send-replies.js';

/** One turn of a resident; the identity is the private chat (for a person, their user id). */
export async function runResidentTurn(
  ctx: Context,
  context: ChannelContext,
  input: EngineInput,
  options: { typing: boolean } = { typing: true },
): Promise<HandledTurn> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) throw new Error('telegram: a turn without a chat');
  // Shown while the turn is stored; its failure matters to nobody. (A tap has its own spinner.)
  if (options.typing) void ctx.api.sendChatAction(chatId, 'typing').catch(() => undefined);
  return context.handleTurn({ channel: 'telegram', externalId: String(chatId) }, input, {
    inboundId: inboundIdOf(ctx),
    lang: langFromCode(ctx.from?.language_code),
  });
}

/** The update's id as the turn handler dedupes it: `tg:<bot>:<update_id>` (no personal data). */
export function inboundIdOf(ctx: Context): string {
  return `tg:${ctx.me.id}:${ctx.update.update_id}`;
}

/** Where and how to send to this chat; a 403 (blocked) is a turn of its own. */
export function residentSendContext(
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
    // The engine marks them unreachable; their next message clears it.
    onBlocked: async () => {
      await context.handleTurn(
        { channel: 'telegram', externalId: String(chatId) },
        { kind: 'undeliverable' },
      );
    },
  };
}
