import type { Context } from 'grammy';
import { translator, type Translate } from '../../dialogs/translate.js';
import {
  councilFigures,
  councilNames,
  countRemindable,
  findCoordinatorByTelegramId,
  linkCoordinator,
  queueReminderRequest,
} from '../../storage/coordinator-repository.js';
import type { Runtime } from '../start-runtime.js';
import { COORDINATOR_PREFIX } from './callback-data.js';
import { langFromCode, slashCommand } from './input-from-update.js';

export const coordinatorCommands = ['coordinator', 'stats', 'remind'] as const;

const confirmData = `${COORDINATOR_PREFIX}remind:confirm`;
const cancelData = `${COORDINATOR_PREFIX}remind:cancel`;

/**
 * `/coordinator CODE`, `/stats`, `/remind` and the reminder buttons. Returns false when the
 * update is not one of these (it then goes to the questionnaire). Nothing here is a turn of
 * the questionnaire, so nothing goes through the turn handler.
 */
export async function handleCoordinatorUpdate(ctx: Context, runtime: Runtime): Promise<boolean> {
  const from = ctx.from;
  if (!from || ctx.chat?.type !== 'private') return false;
  const t = translator(runtime.catalog, langFromCode(from.language_code));
  const data = ctx.callbackQuery?.data;
  if (data === confirmData || data === cancelData) {
    await answerReminderButton(ctx, runtime, t, data === confirmData);
    return true;
  }
  const command = ctx.message ? slashCommand(ctx.message.text) : undefined;
  if (!command || !coordinatorCommands.some((c) => c === command.name)) return false;
  if (command.name === 'coordinator') {
    if (!command.argument) return reply(ctx, t('telegram.coordinator.usage'));
    const linked = await linkCoordinator(runtime.db, command.argument, from.id);
    if (!linked) return reply(ctx, t('telegram.coordinator.invalid_code'));
    runtime.log.info({ coordinatorId: linked._id }, 'telegram: coordinator linked');
    return reply(
      ctx,
      t('telegram.coordinator.linked', { name: linked.name, count: linked.councilIds.length }),
    );
  }
  const coordinator = await findCoordinatorByTelegramId(runtime.db, from.id);
  if (!coordinator) return reply(ctx, t('telegram.coordinator.not_available'));
  if (command.name === 'stats')
    return reply(ctx, await statsText(runtime, t, coordinator.councilIds));
  const count = await countRemindable(runtime.db, coordinator.councilIds);
  if (count === 0) return reply(ctx, t('telegram.remind.none'));
  await ctx.reply(t('telegram.remind.preview', { count, text: t('telegram.remind.text') }), {
    reply_markup: {
      inline_keyboard: [
        [{ text: t('telegram.remind.confirm'), callback_data: confirmData }],
        [{ text: t('telegram.remind.cancel'), callback_data: cancelData }],
      ],
    },
  });
  return true;
}

async function answerReminderButton(
  ctx: Context,
  runtime: Runtime,
  t: Translate,
  confirmed: boolean,
): Promise<void> {
  const coordinator = ctx.from ? await findCoordinatorByTelegramId(runtime.db, ctx.from.id) : null;
  if (!coordinator) {
    await ctx.answerCallbackQuery({ text: t('telegram.coordinator.not_available') });
    return;
  }
  let text = t('telegram.remind.cancelled');
  if (confirmed) {
    // Counted again: participants may have finished since the preview.
    const count = await countRemindable(runtime.db, coordinator.councilIds);
    const request = await queueReminderRequest(runtime.db, {
      coordinatorId: coordinator._id,
      councilIds: coordinator.councilIds,
      count,
    });
    runtime.log.info(
      { coordinatorId: coordinator._id, requestId: request._id, count },
      'telegram: reminder queued',
    );
    text = t('telegram.remind.queued', { count });
  }
  await ctx.answerCallbackQuery();
  // Editing the preview removes its buttons, so the wave cannot be queued twice by one message.
  await ctx.editMessageText(text, { reply_markup: { inline_keyboard: [] } });
}

async function statsText(runtime: Runtime, t: Translate, councilIds: string[]): Promise<string> {
  const [figures, names] = await Promise.all([
    councilFigures(runtime.db, councilIds),
    councilNames(runtime.db, councilIds),
  ]);
  const blocks = figures.map((f) => {
    const council = names.get(f.councilId) ?? { name: f.councilId, commune: '' };
    const { invited, started, finished, unreachable } = f;
    const lines = [
      t('telegram.stats.council', { ...council, invited, started, finished, unreachable }),
    ];
    const themes = runtime.consultation.themes.filter(
      (theme) => (f.themesCompleted[theme.id] ?? 0) > 0,
    );
    if (themes.length > 0) lines.push(t('telegram.stats.themes'));
    for (const theme of themes)
      lines.push(
        t('telegram.stats.theme', {
          title: t(theme.title),
          count: f.themesCompleted[theme.id] ?? 0,
        }),
      );
    return lines.join('\n');
  });
  return [t('telegram.stats.title'), ...blocks].join('\n\n');
}

async function reply(ctx: Context, text: string): Promise<true> {
  await ctx.reply(text);
  return true;
}
