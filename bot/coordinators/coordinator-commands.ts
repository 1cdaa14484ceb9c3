import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Catalog, type Translate } from '../../dialogs/translate.js';
import {
  councilFigures,
  councilNames,
  countRemindable,
  findCoordinatorByTelegramId,
  linkCoordinator,
  queueReminderRequest,
} from '../../storage/coordinator-repository.js';
import type { Storage } from '../../storage/storage.js';
import type { Logger } from '../logger.js';

/**
 * What council coordinators can ask for, whatever the channel: link their account with a
 * one-time code, participation figures of their councils, a reminder wave (previewed, then
 * queued in `reminder_requests` once confirmed). Texts come back ready to show; a channel
 * only parses the command and renders the confirmation buttons.
 */
export interface CoordinatorCommands {
  /** `/coordinator CODE`. */
  link(telegramUserId: number, code: string | undefined, lang: Lang): Promise<string>;
  /** `/stats`. */
  stats(telegramUserId: number, lang: Lang): Promise<string>;
  /** `/remind`: who would get it; `confirm` holds the button labels when there is someone. */
  previewReminder(telegramUserId: number, lang: Lang): Promise<ReminderPreview>;
  /** The preview's buttons; `coordinator` false when the account is not (or no longer) one. */
  answerReminder(
    telegramUserId: number,
    lang: Lang,
    confirmed: boolean,
  ): Promise<{ text: string; coordinator: boolean }>;
}

export interface ReminderPreview {
  text: string;
  confirm?: { yes: string; no: string };
}

export interface CoordinatorDeps {
  db: Db;
  storage: Storage;
  catalog: Catalog;
  consultation: Consultation;
  log: Logger;
}

export function createCoordinatorCommands(deps: CoordinatorDeps): CoordinatorCommands {
  const { db, storage, log } = deps;
  const tr = (lang: Lang): Translate => translator(deps.catalog, lang);
  // The id goes into a query: anything but an integer (an object such as { $ne: 0 }) would be
  // an operator, matching someone else's account. Channels parse it; this is the last check.
  const findCoordinator = (telegramUserId: number) =>
    Number.isSafeInteger(telegramUserId)
      ? findCoordinatorByTelegramId(db, telegramUserId)
      : Promise.resolve(null);
  return {
    async link(telegramUserId, code, lang) {
      const t = tr(lang);
      if (!code) return t('telegram.coordinator.usage');
      if (!Number.isSafeInteger(telegramUserId)) return t('telegram.coordinator.invalid_code');
      const linked = await linkCoordinator(db, code, telegramUserId);
      if (!linked) return t('telegram.coordinator.invalid_code');
      log.info({ coordinatorId: linked._id }, 'coordinator linked');
      return t('telegram.coordinator.linked', {
        name: linked.name,
        count: linked.councilIds.length,
      });
    },
    async stats(telegramUserId, lang) {
      const t = tr(lang);
      const coordinator = await findCoordinator(telegramUserId);
      if (!coordinator) return t('telegram.coordinator.not_available');
      return statsText(deps, t, coordinator.councilIds);
    },
    async previewReminder(telegramUserId, lang) {
      const t = tr(lang);
      const coordinator = await findCoordinator(telegramUserId);
      if (!coordinator) return { text: t('telegram.coordinator.not_available') };
      const count = await countRemindable(storage.participants, coordinator.councilIds);
      if (count === 0) return { text: t('telegram.remind.none') };
      return {
        text: t('telegram.remind.preview', { count, text: t('telegram.remind.text') }),
        confirm: { yes: t('telegram.remind.confirm'), no: t('telegram.remind.cancel') },
      };
    },
    async answerReminder(telegramUserId, lang, confirmed) {
      const t = tr(lang);
      const coordinator = await findCoordinator(telegramUserId);
      if (!coordinator)
        return { text: t('telegram.coordinator.not_available'), coordinator: false };
      if (!confirmed) return { text: t('telegram.remind.cancelled'), coordinator: true };
      // Counted again: participants may have finished since the preview.
      const count = await countRemindable(storage.participants, coordinator.councilIds);
      const request = await queueReminderRequest(db, {
        coordinatorId: coordinator._id,
        councilIds: coordinator.councilIds,
        count,
      });
      log.info(
        { coordinatorId: coordinator._id, requestId: request._id, count },
        'reminder queued',
      );
      return { text: t('telegram.remind.queued', { count }), coordinator: true };
    },
  };
}

async function statsText(
  deps: CoordinatorDeps,
  t: Translate,
  councilIds: string[],
): Promise<string> {
  const [figures, names] = await Promise.all([
    councilFigures(deps.storage.participants, councilIds),
    councilNames(deps.db, councilIds),
  ]);
  const blocks = figures.map((f) => {
    const council = names.get(f.councilId) ?? { name: f.councilId, commune: '' };
    const { invited, started, finished, unreachable } = f;
    const lines = [
      t('telegram.stats.council', { ...council, invited, started, finished, unreachable }),
    ];
    const themes = deps.consultation.themes.filter(
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
