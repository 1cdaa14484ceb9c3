import type { LoadedParticipant } from './storage.js';

/**
 * The participants this process committed most recently, as it committed them, so that the
 * next turn of the same person reads only their identity. Never trusted blindly: a commit is
 * still conditioned on the version, so if another process (or an erasure) moved on since,
 * the commit is refused, the entry forgotten and the turn replayed on a fresh read.
 * Bounded: the least recently used entries go first.
 */
export class RecentCommits {
  private readonly entries = new Map<string, LoadedParticipant>();

  constructor(private readonly limit = 5_000) {}

  get(participantId: string): LoadedParticipant | undefined {
    const entry = this.entries.get(participantId);
    if (entry === undefined) return undefined;
    this.entries.delete(participantId);
    this.entries.set(participantId, entry);
    return entry;
  }

  set(entry: LoadedParticipant): void {
    this.entries.delete(entry.participantId);
    this.entries.set(entry.participantId, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  forget(participantId: string): void {
    this.entries.delete(participantId);
  }
}
