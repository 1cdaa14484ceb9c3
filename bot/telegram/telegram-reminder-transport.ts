import { Api, GrammyError, HttpError } from 'grammy';
import type { DeliveryResult, ReminderTransport } from '../reminders/reminder-transport.js';
import { callbackDataFor } from './callback-data.js';

export interface TelegramReminderOptions {
  token: string;
  apiRoot?: string | undefined;
  /** A call taking longer is given up and recorded as uncertain (it may have arrived). */
  timeoutSeconds?: number;
}

/** Telegram's reminders, plus a plain message to a coordinator when their wave is done. */
export interface TelegramReminders extends ReminderTransport {
  notify(telegramUserId: number, text: string): Promise<void>;
}

/**
 * Reminders as Telegram messages with two buttons, whose callback data are the engine's own
 * (`_reminder:/resume`, `_reminder:/stop`), so a tap is an ordinary turn. It has its own `Api`
 * without the channel's throttle and retries: the sender paces every process through the
 * shared budget and handles a 429 itself (pausing the whole wave), and a send is never
 * retried here, so that the window where a kill makes it uncertain stays one call long.
 */
export function telegramReminderTransport(options: TelegramReminderOptions): TelegramReminders {
  const api = new Api(options.token, {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    timeoutSeconds: options.timeoutSeconds ?? 20,
  });
  return {
    channel: 'telegram',
    async send(target, message): Promise<DeliveryResult> {
      const identity = target.identities.find((i) => i.channel === 'telegram');
      const chatId = Number(identity?.externalId);
      if (!Number.isSafeInteger(chatId)) return { kind: 'failed', reason: 'no Telegram chat id' };
      const buttons = [message.continue, message.stop].map((button, index) => [
        {
          text: button.label,
          callback_data: callbackDataFor(message.promptId, button.choiceId, index),
        },
      ]);
      try {
        await api.sendMessage(chatId, message.text, { reply_markup: { inline_keyboard: buttons } });
        return { kind: 'sent' };
      } catch (error) {
        return resultOf(error);
      }
    },
    async notify(telegramUserId, text) {
      await api.sendMessage(telegramUserId, text);
    },
  };
}

/** What a failed call means for the reminder. */
function resultOf(error: unknown): DeliveryResult {
  if (error instanceof GrammyError) {
    const reason = `${error.error_code} ${error.description}`;
    if (error.error_code === 429)
      return { kind: 'retry', afterMs: (error.parameters.retry_after ?? 1) * 1000, reason };
    if (error.error_code === 403) return { kind: 'unreachable', reason };
    if (error.error_code >= 500) return { kind: 'retry', afterMs: 2000, reason };
    return { kind: 'failed', reason };
  }
  // Refused before anything was sent: safe to try again. Anything else may have arrived.
  if (error instanceof HttpError && refusedConnection(error.error))
    return { kind: 'retry', afterMs: 2000, reason: 'connection refused' };
  const reason = error instanceof Error ? error.message : String(error);
  return { kind: 'uncertain', reason: `no answer from Telegram: ${reason}` };
}

function refusedConnection(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (typeof cause !== 'object') return false;
    if ('code' in cause && cause.code === 'ECONNREFUSED') return true;
    cause = 'cause' in cause ? cause.cause : undefined;
  }
  return false;
}
