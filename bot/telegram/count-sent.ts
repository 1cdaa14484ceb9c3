import type { Transformer } from 'grammy';

/** Calls that put a message in a chat, as Telegram's rate limit counts them. */
const messageMethods = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup']);

/**
 * Reports every message the channel got through to the shared send budget, so that reminders
 * sent by any process make room for replies (which never wait for them).
 */
export function countSent(count: ((messages: number) => void) | undefined): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (response.ok && messageMethods.has(method)) count?.(1);
    return response;
  };
}
