/**
 * How long before its slot a claim starts: one and a half times the 90th percentile of the
 * last 64 claims, within 20–100 ms. A claim's write has a long tail under load (a shared
 * database, a busy machine), and a claim that ends after its slot loses the slot. A longer
 * lead means more claims waiting to be sent, and a kill makes each of those `uncertain`
 * (never sent twice, but maybe never received): at 29/s, 100 ms is three of them.
 */
export class ClaimLead {
  private readonly recent: number[] = [];
  private next = 0;
  private cached = 20;

  get ms(): number {
    return this.cached;
  }

  observe(ms: number): void {
    this.recent[this.next] = ms;
    this.next = (this.next + 1) % 64;
    const sorted = [...this.recent].sort((x, y) => x - y);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
    this.cached = Math.min(100, Math.max(20, 1.5 * p90));
  }
}
