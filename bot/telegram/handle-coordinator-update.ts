import type { Context } from 'grammy';
import type { ChannelContext } from '../serve-command.js';
import { COORDINATOR_PREFIX } from './callback-data.js';
import { langFromCode, slashCommand } from './input-from-update.js';

export const coordinatorCommands = ['coordinator', 'stats', 'remind'] as const;

const confirmData = `${COORDINATOR_PREFIX}remind:confirm`;
const cancelData = `${COORDINATOR_PREFIX}remind:cancel`;

/**
 * `/coordinator CODE`, `/stats`, `/remind` and the reminder buttons, handed to the coordinator
 * commands (bot/coordinators/). Returns false when the update is not one of these (it then
 * goes to the questionnaire). Nothing here is a turn of the questionnaire.
 */
export async function handleCoordinatorUpdate(
  ctx: Context,
  context: ChannelContext,
): Promise<boolean> {
  const from = ctx.from;
  if (!from || ctx.chat?.type !== 'private') return false;
  const lang = langFromCode(from.language_code);
  const { coordinators } = context;
  const data = ctx.callbackQuery?.data;
  if (data === confirmData || data === cancelData) {
    const answer = await coordinators.answerReminder(from.id, lang, data === confirmData);
    if (!answer.coordinator) {
      await ctx.answerCallbackQuery({ text: answer.text });
      return true;
    }
    await ctx.answerCallbackQuery();
    // Editing the preview removes its buttons, so the wave cannot be queued twice by one message.
    await ctx.editMessageText(answer.text, { reply_markup: { inline_keyboard: [] } });
    return true;
  }
  const command = ctx.message ? slashCommand(ctx.message.text) : undefined;
  if (!command || !coordinatorCommands.some((c) => c === command.name)) return false;
  if (command.name === 'coordinator')
    return reply(ctx, await coordinators.link(from.id, command.argument, lang));
  if (command.name === 'stats') return reply(ctx, await coordinators.stats(from.id, lang));
  const preview = await coordinators.previewReminder(from.id, lang);
  if (!preview.confirm) return reply(ctx, preview.text);
  await ctx.reply(preview.text, {
    reply_markup: {
      inline_keyboard: [
        [{ text: preview.confirm.yes, callback_data: confirmData }],
        [{ text: preview.confirm.no, callback_data: cancelData }],
      ],
    },
  });
  return true;
}

async function reply(ctx: Context, text: string): Promise<true> {
  await ctx.reply(text);
  return true;
}
