/**
 * A fixed-window counter per key (an address, an identity), in memory: enough to stop a flood
 * hitting one process. Old windows are dropped as they are passed.
 *
 * @example const limit = createRateLimiter(10, 60_000); limit.take('127.0.0.1') // true ×10, then false
 */
export function createRateLimiter(max: number, windowMs: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one request; false when the key is over its limit for this window. */
    take(key: string): boolean {
      const t = now();
      if (windows.size > 10_000)
        for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
      const current = windows.get(key);
      if (!current || t - current.start >= windowMs) {
        windows.set(key, { start: t, count: 1 });
        return true;
      }
      current.count += 1;
      return current.count <= max;
    },
    /** Seconds until the key's window ends (for Retry-After). */
    retryAfter(key: string): number {
      const current = windows.get(key);
      return current ? Math.max(1, Math.ceil((current.start + windowMs - now()) / 1000)) : 1;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
