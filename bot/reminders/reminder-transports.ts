import type { Config } from '../config.js';
import {
  telegramReminderTransport,
  type TelegramReminders,
} from '../telegram/telegram-reminder-transport.js';
import type { ReminderTransport } from './reminder-transport.js';

/** The reminder transports of a process: one per channel whose configuration is there. */
export interface ReminderTransports {
  all: ReminderTransport[];
  /** For telling a coordinator how their wave went. */
  telegram?: TelegramReminders;
}

/**
 * Builds the transports the configuration enables. A channel adds its own here (Web Push:
 * bot/web-push/). Someone whose channels have none gets the reminder at their next visit.
 */
export function reminderTransports(config: Config): ReminderTransports {
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? telegramReminderTransport({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        // Well inside the lease, so a stuck call cannot outlive this process's claim.
        timeoutSeconds: Math.max(1, Math.min(20, config.REMINDER_LEASE_SECONDS / 2)),
      })
    : undefined;
  return { all: telegram ? [telegram] : [], ...(telegram ? { telegram } : {}) };
}
