import { translator } from '../../dialogs/translate.js';
import type { WaveDoc } from '../../storage/reminder-documents.js';
import { waveDoneText } from '../coordinators/reminder-figures.js';
import type { Runtime } from '../start-runtime.js';
import { ReminderService } from './reminder-service.js';
import { reminderTransports } from './reminder-transports.js';
import type { ReminderTransport } from './reminder-transport.js';
import { SlotDispenser } from './slot-dispenser.js';

/** Tries of one delivery Telegram keeps refusing for now (429, 5xx) before it counts as failed. */
const maxAttempts = 5;

/**
 * The reminder sender of `concerto serve`: the scheduled waves, and those asked for by a
 * coordinator or `concerto remind send`, in whatever process; Telegram paced by the budget
 * every process shares.
 */
export function startReminderService(
  runtime: Runtime,
  options: { now?: () => Date; transports?: ReminderTransport[] } = {},
): ReminderService {
  const { config, log } = runtime;
  const transports = reminderTransports(config);
  const service = new ReminderService(
    {
      repository: runtime.reminders.repository,
      participants: runtime.storage.participants,
      handleTurn: runtime.handleTurn,
      consultation: runtime.consultation,
      catalog: runtime.catalog,
      transports: [...transports.all, ...(options.transports ?? [])],
      pacing: { telegram: new SlotDispenser(runtime.reminders.telegramBudget) },
      log,
      now: options.now ?? (() => new Date()),
      leaseMs: config.REMINDER_LEASE_SECONDS * 1000,
      maxAttempts,
    },
    {
      workers: config.REMINDER_WORKERS,
      pollMs: config.REMINDER_POLL_SECONDS * 1000,
      onWaveDone: async (wave: WaveDoc) => {
        const { origin } = wave;
        if (origin.kind !== 'coordinator' || origin.telegramUserId === undefined) return;
        const t = translator(runtime.catalog, origin.lang ?? 'fr');
        await transports.telegram?.notify(origin.telegramUserId, waveDoneText(t, wave));
      },
    },
  );
  runtime.reminders.nudge = () => service.nudge();
  service.start();
  return service;
}
