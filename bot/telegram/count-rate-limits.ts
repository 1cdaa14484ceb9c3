import type { Transformer } from 'grammy';
import type { Metrics } from '../http/metrics.js';

/**
 * Counts each 429 of the Bot API in `concerto_telegram_rate_limited_total`. Installed first, so
 * it runs innermost: every 429 is counted, those the retry transformer then retries included.
 */
export function countRateLimits(metrics: Metrics): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (!response.ok && response.error_code === 429) metrics.telegramRateLimited.inc();
    return response;
  };
}
