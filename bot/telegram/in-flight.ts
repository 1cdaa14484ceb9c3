/** Counts updates being handled, so stopping can wait for them. */
export class InFlight {
  private count = 0;
  private readonly idle = new Set<() => void>();

  readonly middleware = async (_ctx: unknown, next: () => Promise<void>): Promise<void> => {
    this.count += 1;
    try {
      await next();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.idle) wake();
    }
  };

  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idle.add(done);
    });
  }
}
