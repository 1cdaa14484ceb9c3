import { timingSafeEqual } from 'node:crypto';
import { BotError, type Bot } from 'grammy';
import { BodyError, readJsonBody, sendJson, type Route } from '../http/create-http-server.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../http/metrics.js';
import { isTelegramUpdate } from './input-from-update.js';
import { describeError } from './send-replies.js';

export const webhookPath = '/telegram/webhook';

/**
 * `POST /telegram/webhook`: checks Telegram's secret header, handles the update, and answers
 * 200 only once its effects are stored. A failure answers 500 so Telegram delivers it again;
 * the update id makes that redelivery count once.
 */
export function webhookRoute(bot: Bot, secret: string, log: Logger, metrics: Metrics): Route {
  return {
    method: 'POST',
    path: webhookPath,
    handle: async (req, res) => {
      const given = req.headers['x-telegram-bot-api-secret-token'];
      if (typeof given !== 'string' || !sameSecret(given, secret)) {
        metrics.increment(
          'concerto_telegram_webhook_refused_total',
          'Webhook requests without the right secret.',
        );
        sendJson(res, 401, { error: 'unauthorized' });
        return;
      }
      let body: unknown;
      try {
        body = await readJsonBody(req, 1024 * 1024);
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        sendJson(res, error.status, { error: error.message });
        return;
      }
      if (!isTelegramUpdate(body)) {
        metrics.increment(
          'concerto_telegram_webhook_malformed_total',
          'Webhook bodies that are not a well-formed Telegram update.',
        );
        sendJson(res, 400, { error: 'not a Telegram update' });
        return;
      }
      try {
        await bot.handleUpdate(body);
      } catch (error) {
        const cause = error instanceof BotError ? error.error : error;
        log.error(
          { ...describeError(cause), updateId: body.update_id },
          'telegram: update failed; Telegram will retry',
        );
        metrics.increment(
          'concerto_telegram_updates_failed_total',
          'Telegram updates that failed (answered 5xx).',
        );
        sendJson(res, 503, { error: 'temporarily unavailable' });
        return;
      }
      metrics.increment('concerto_telegram_updates_total', 'Telegram updates handled.');
      sendJson(res, 200, { ok: true });
    },
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
