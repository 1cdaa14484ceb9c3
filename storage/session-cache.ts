import type { StoredState } from './documents.js';

/** What this process committed last for one identity. */
export interface CachedSession {
  participantId: string;
  version: number;
  state: StoredState;
  recentInboundIds: string[];
  /** When the participant document was last written with this state's fields (unknown: unset). */
  participantWrittenAt: Date | undefined;
  cachedAt: number;
}

/**
 * Sessions this process committed, by identity key, so that the next turn of the same person
 * needs no read. Bounded (least recently used go first) and trusted for `ttlMs` only.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  /** A fresh entry, or undefined. */
  get(key: string, now: number): CachedSession | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now - entry.cachedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The entry whatever its age: what this process last wrote. */
  peek(key: string): CachedSession | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedSession): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key); // re-inserted last: the Map's order is the recency order
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetParticipant(participantId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.participantId === participantId) this.entries.delete(key);
    }
  }
}
