import { HttpError, type Transformer } from 'grammy';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** First wait after a 5xx or a network error; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is given up (returned as the error it is). */
  maxRetryAfterMs: number;
}

export const telegramRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Retries what Telegram asks to retry: a 429 after its `retry_after`, a 5xx or a network failure
 * with backoff. Everything else (403 blocked, 400 bad request) goes straight back to the caller.
 */
export function retryTransformer(
  policy: RetryPolicy = telegramRetryPolicy,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= policy.maxAttempts || signal?.aborted === true;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      let response;
      try {
        response = await prev(method, payload, signal);
      } catch (error) {
        if (last || !(error instanceof HttpError)) throw error;
        await sleep(backoff);
        continue;
      }
      if (response.ok || last) return response;
      const retryAfterMs = (response.parameters?.retry_after ?? 0) * 1000;
      if (response.error_code === 429 && retryAfterMs <= policy.maxRetryAfterMs)
        await sleep(retryAfterMs || backoff);
      else if (response.error_code >= 500) await sleep(backoff);
      else return response;
    }
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
