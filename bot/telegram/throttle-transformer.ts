import type { Transformer } from 'grammy';

/** How fast the bot may send: Telegram's documented limits, with a short burst per chat. */
export interface SendLimits {
  /** Messages per second across all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Messages one chat may receive at once before the pace applies (a question often comes in 2–3). */
  perChatBurst: number;
  /** Then one message per this many milliseconds to one chat (Telegram: about one per second). */
  perChatIntervalMs: number;
}

export const telegramSendLimits: SendLimits = {
  globalPerSecond: 30,
  perChatBurst: 3,
  perChatIntervalMs: 1000,
};

/** Calls that put something in a chat and count towards the limits. */
const throttledMethods = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup']);

/**
 * Queues outgoing messages so they stay within the limits: first in, first out within a chat,
 * and every chat shares the overall budget. Chats do not wait for each other's pace.
 */
export function throttleTransformer(
  limits: SendLimits = telegramSendLimits,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Transformer {
  const global = new TokenBucket(limits.globalPerSecond, 1000 / limits.globalPerSecond, sleep);
  const chats = new Map<string, TokenBucket>();
  return async (prev, method, payload, signal) => {
    const chatId =
      throttledMethods.has(method) && payload && 'chat_id' in payload
        ? String(payload.chat_id)
        : undefined;
    if (chatId !== undefined) {
      let bucket = chats.get(chatId);
      if (!bucket) {
        if (chats.size > 10_000) pruneIdle(chats);
        bucket = new TokenBucket(limits.perChatBurst, limits.perChatIntervalMs, sleep);
        chats.set(chatId, bucket);
      }
      await bucket.take();
      await global.take();
    }
    return prev(method, payload, signal);
  };
}

/** A bucket of `capacity` tokens refilled one per `intervalMs`; takers wait in order. */
class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = capacity;
  }

  take(): Promise<void> {
    const turn = this.tail.then(() => this.waitForToken());
    this.tail = turn;
    return turn;
  }

  /** Full and unused: forgetting it changes nothing. */
  isIdle(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil((1 - this.tokens) * this.intervalMs));
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) / this.intervalMs);
    this.refilledAt = now;
  }
}

function pruneIdle(chats: Map<string, TokenBucket>): void {
  for (const [chatId, bucket] of chats) if (bucket.isIdle()) chats.delete(chatId);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
