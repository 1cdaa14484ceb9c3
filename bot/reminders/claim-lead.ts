/**
 * How long before its slot a claim starts: twice the 90th percentile of the last 64 claims,
 * within 40–250 ms. A claim's write has a long tail under load (a shared database, a busy
 * machine), and a claim that ends after its slot loses the slot; a longer lead only means a
 * few more claims waiting to be sent (a kill makes those `uncertain`, never sent twice).
 */
export class ClaimLead {
  private readonly recent: number[] = [];
  private next = 0;
  private cached = 40;

  get ms(): number {
    return this.cached;
  }

  observe(ms: number): void {
    this.recent[this.next] = ms;
    this.next = (this.next + 1) % 64;
    const sorted = [...this.recent].sort((x, y) => x - y);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
    this.cached = Math.min(250, Math.max(40, 2 * p90));
  }
}
