import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Catalog, type Translate } from '../../dialogs/translate.js';
import {
  councilFigures,
  councilNames,
  findCoordinatorByTelegramId,
  linkCoordinator,
  type CoordinatorDoc,
} from '../../storage/coordinator-repository.js';
import type { Storage } from '../../storage/storage.js';
import type { Logger } from '../logger.js';
import {
  allTargetStatuses,
  newWave,
  previewWave,
  type WavePreview,
} from '../reminders/plan-wave.js';
import { formatDeadline } from '../reminders/reminder-text.js';
import type { RuntimeReminders } from '../start-runtime.js';
import { councilReminderLine, outcomesOf, reminderStatusLines } from './reminder-figures.js';

/**
 * What council coordinators can ask for, whatever the channel: link their account with a
 * one-time code, participation figures of their councils (with what reminders really did),
 * a reminder wave to their councils only (previewed, then created once confirmed, sent by
 * `concerto serve`). Texts come back ready to show; a channel only parses the command and
 * renders the confirmation buttons.
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
  reminders: Pick<RuntimeReminders, 'repository' | 'nudge'>;
  now?: () => Date;
}

export function createCoordinatorCommands(deps: CoordinatorDeps): CoordinatorCommands {
  const { db, log, consultation } = deps;
  const now = deps.now ?? (() => new Date());
  const tr = (lang: Lang): Translate => translator(deps.catalog, lang);
  // The id goes into a query: anything but an integer (an object such as { $ne: 0 }) would be
  // an operator, matching someone else's account. Channels parse it; this is the last check.
  const findCoordinator = (telegramUserId: number) =>
    Number.isSafeInteger(telegramUserId)
      ? findCoordinatorByTelegramId(db, telegramUserId)
      : Promise.resolve(null);
  /** Only ever the coordinator's own councils: nobody else can be reached from here. */
  const preview = (coordinator: CoordinatorDoc) =>
    previewWave(
      { councilIds: coordinator.councilIds, statuses: allTargetStatuses },
      { participants: deps.storage.participants, consultation, catalog: deps.catalog, now: now() },
    );
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
      return statsText(deps, t, lang, coordinator, now());
    },
    async previewReminder(telegramUserId, lang) {
      const t = tr(lang);
      const coordinator = await findCoordinator(telegramUserId);
      if (!coordinator) return { text: t('telegram.coordinator.not_available') };
      const figures = await preview(coordinator);
      if (figures.queued === 0) return { text: t('reminder.coordinator.none') };
      return {
        text: previewText(t, figures, consultation, lang),
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
      const figures = await preview(coordinator);
      if (figures.queued === 0) return { text: t('reminder.coordinator.none'), coordinator: true };
      const at = now();
      const wave = newWave(
        {
          origin: { kind: 'coordinator', coordinatorId: coordinator._id, telegramUserId, lang },
          councilIds: coordinator.councilIds,
          statuses: allTargetStatuses,
        },
        consultation,
        at,
      );
      await deps.reminders.repository.createWave(wave);
      deps.reminders.nudge();
      log.info(
        { coordinatorId: coordinator._id, waveId: wave._id, count: figures.queued },
        'reminder wave requested',
      );
      const count = figures.queued;
      const text =
        wave.notBefore.getTime() > at.getTime()
          ? t('reminder.coordinator.waiting', {
              count,
              when: when(wave.notBefore, consultation, lang),
            })
          : t('reminder.coordinator.sending', { count });
      return { text, coordinator: true };
    },
  };
}

function previewText(t: Translate, figures: WavePreview, consultation: Consultation, lang: Lang) {
  const { from, to } = consultation.reminders.quietHours;
  const sample = figures.samples.find((s) => s.lang === lang) ?? figures.samples[0];
  return t('reminder.coordinator.preview', {
    count: figures.queued,
    skipped: figures.skipped,
    hours: consultation.reminders.minHoursBetween,
    max: consultation.reminders.maxPerParticipant,
    when: figures.later
      ? t('reminder.coordinator.later', { from, to, when: when(figures.at, consultation, lang) })
      : t('reminder.coordinator.now'),
    text: sample?.text ?? '',
  });
}

function when(at: Date, consultation: Consultation, lang: Lang): string {
  return formatDeadline(at.toISOString(), consultation.timeZone, lang);
}

async function statsText(
  deps: CoordinatorDeps,
  t: Translate,
  lang: Lang,
  coordinator: CoordinatorDoc,
  now: Date,
): Promise<string> {
  const { councilIds } = coordinator;
  const [figures, names, waves] = await Promise.all([
    councilFigures(deps.storage.participants, councilIds),
    councilNames(deps.db, councilIds),
    deps.reminders.repository.listWaves({ consultationId: deps.consultation.id }),
  ]);
  const blocks = figures.map((f) => {
    const council = names.get(f.councilId) ?? { name: f.councilId, commune: '' };
    const { invited, started, finished, unreachable } = f;
    const lines = [
      t('telegram.stats.council', { ...council, invited, started, finished, unreachable }),
      councilReminderLine(t, outcomesOf(waves, [f.councilId])),
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
  const status = reminderStatusLines(t, waves, coordinator._id, deps.consultation, lang, now);
  return [
    t('telegram.stats.title'),
    ...blocks,
    ...(status.length > 0 ? [status.join('\n')] : []),
  ].join('\n\n');
}
