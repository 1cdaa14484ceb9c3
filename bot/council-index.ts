import type { CouncilDirectory, CouncilSearch } from '../dialogs/engine-context.js';
import { normalizeText } from '../dialogs/nlu/normalize-text.js';
import type { CouncilRef } from '../dialogs/session-state.js';

export interface IndexedCouncil extends CouncilRef {
  invitationCodes: readonly string[];
}

/**
 * The councils in memory (about 1,500: a few hundred kilobytes), so the engine can look them
 * up synchronously. `replace` swaps in a fresh list read from storage.
 */
export class CouncilIndex implements CouncilDirectory {
  private byCode = new Map<string, CouncilRef>();
  private byCouncilId = new Map<string, CouncilRef>();
  private entries: { council: CouncilRef; name: string; commune: string }[] = [];

  constructor(councils: readonly IndexedCouncil[] = []) {
    this.replace(councils);
  }

  get size(): number {
    return this.entries.length;
  }

  replace(councils: readonly IndexedCouncil[]): void {
    this.byCode = new Map();
    this.byCouncilId = new Map();
    this.entries = [];
    for (const { invitationCodes, ...council } of councils) {
      for (const code of [...invitationCodes, council.id])
        this.byCode.set(code.toUpperCase(), council);
      this.byCouncilId.set(council.id, council);
      this.entries.push({
        council,
        name: normalizeText(council.name),
        commune: normalizeText(council.commune),
      });
    }
  }

  byInvitationCode(code: string): CouncilRef | undefined {
    return this.byCode.get(code.trim().toUpperCase());
  }

  byId(id: string): CouncilRef | undefined {
    return this.byCouncilId.get(id);
  }

  /** Exact commune first, then names or communes starting with, then containing, the text. */
  search(text: string, limit: number, offset = 0): CouncilSearch {
    const query = normalizeText(text);
    if (query.length < 3) return { councils: [], total: 0 };
    const scored = this.entries
      .map((entry) => ({ entry, score: scoreOf(entry, query) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name));
    return {
      councils: scored.slice(offset, offset + limit).map((s) => s.entry.council),
      total: scored.length,
    };
  }
}

function scoreOf(entry: { name: string; commune: string }, query: string): number {
  const communes = entry.commune.split(' ');
  if (entry.commune === query || entry.name === query) return 4;
  if (entry.commune.startsWith(query) || entry.name.startsWith(query)) return 3;
  if (communes.includes(query) || ` ${entry.name} `.includes(` ${query} `)) return 2;
  if (entry.commune.includes(query) || entry.name.includes(query)) return 1;
  return 0;
}
