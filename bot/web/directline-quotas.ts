import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/create-http-server.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * How much one conversation (one token) and one address may ask of Direct Line. A person
 * taps or types a few times a minute; many people may share one address (a community centre's
 * wifi, a mobile operator's NAT), hence the looser limits per address.
 */
export const directLineQuotas = {
  /** Activities posted per conversation per minute. */
  postsPerConversation: 60,
  /** Activities posted per address per minute. */
  postsPerAddress: 600,
  /** Polls (`GET …/activities`) per conversation per minute (botframework-directlinejs polls every second). */
  pollsPerConversation: 240,
  /** Token refreshes and conversation starts or reconnections per address per minute. */
  tokensPerAddress: 120,
  /** Open streams per conversation: a third one closes the oldest (a phone that reconnects). */
  socketsPerConversation: 2,
  /** Open streams per address: beyond, new ones are refused with 429. */
  socketsPerAddress: 50,
} as const;

export interface DirectLineLimits {
  postsPerConversation: RateLimiter;
  postsPerAddress: RateLimiter;
  pollsPerConversation: RateLimiter;
  tokensPerAddress: RateLimiter;
}

/** The per-minute limiters of one process (see directLineQuotas). */
export function createDirectLineLimits(now: () => number = Date.now): DirectLineLimits {
  const minute = 60_000;
  const q = directLineQuotas;
  return {
    postsPerConversation: createRateLimiter(q.postsPerConversation, minute, now),
    postsPerAddress: createRateLimiter(q.postsPerAddress, minute, now),
    pollsPerConversation: createRateLimiter(q.pollsPerConversation, minute, now),
    tokensPerAddress: createRateLimiter(q.tokensPerAddress, minute, now),
  };
}

/**
 * Counts one request against each `[limiter, key]`; when one is over its limit, answers 429
 * with Retry-After (as Direct Line does, and botframework-directlinejs then waits) and returns
 * false.
 */
export function withinQuota(
  res: ServerResponse,
  checks: readonly (readonly [RateLimiter, string])[],
): boolean {
  for (const [limiter, key] of checks) {
    if (limiter.take(key)) continue;
    const error = { code: 'TooManyRequests', message: 'too many requests, try again later' };
    sendJson(res, 429, { error }, { 'retry-after': String(limiter.retryAfter(key)) });
    return false;
  }
  return true;
}
