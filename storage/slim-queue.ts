/**
 * Superseded session versions waiting to be slimmed. Slimming is an update, the slowest write
 * on FerretDB v1, and nothing depends on it soon (a full old version is only wasted space), so
 * it runs when no version was added for `idleMs`, in small batches (each update holds
 * FerretDB's write lock for a few milliseconds: a turn arriving meanwhile waits for one batch
 * at most). Bounded: under endless load the oldest ids are dropped, and those versions simply
 * keep their state.
 */
export class SlimQueue {
  private ids: string[] = [];
  private lastAdded = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly slim: (ids: readonly string[]) => Promise<void>,
    private readonly idleMs: number,
    private readonly maxQueued = 100_000,
    private readonly batchSize = 8,
  ) {}

  add(id: string): void {
    this.ids.push(id);
    if (this.ids.length > this.maxQueued) this.ids.splice(0, this.ids.length - this.maxQueued);
    this.lastAdded = Date.now();
    this.timer ??= setTimeout(() => this.onTimer(), this.idleMs).unref();
  }

  /** Slims everything queued now. */
  async drain(): Promise<void> {
    await this.running;
    while (this.ids.length > 0) await this.slim(this.ids.splice(0, this.batchSize));
  }

  private onTimer(): void {
    this.timer = undefined;
    const idleFor = Date.now() - this.lastAdded;
    if (idleFor < this.idleMs || this.running) {
      this.timer = setTimeout(() => this.onTimer(), Math.max(this.idleMs - idleFor, 50)).unref();
      return;
    }
    this.running = this.slimWhileIdle().finally(() => {
      this.running = undefined;
    });
  }

  private async slimWhileIdle(): Promise<void> {
    while (this.ids.length > 0 && Date.now() - this.lastAdded >= this.idleMs) {
      const batch = this.ids.splice(0, this.batchSize);
      try {
        await this.slim(batch);
      } catch {
        // The database may be down: keep them for the next idle moment after a new version.
        this.ids.unshift(...batch);
        return;
      }
    }
    if (this.ids.length > 0) this.timer ??= setTimeout(() => this.onTimer(), this.idleMs).unref();
  }
}
