import type { CouncilDirectory, CouncilSearch } from '../dialogs/engine-context.js';
import type { CouncilRef } from '../dialogs/session-state.js';
import { normalizeInvitationCode } from '../storage/invitation-code.js';
import { referencePostcodes } from '../storage/reference-postcodes.js';
import {
  councilEntry,
  memoisedPlace,
  type CouncilEntry,
  type IndexedCouncil,
} from './council-search/council-entry.js';
import { searchCouncils, vocabularyOf, type Vocabulary } from './council-search/search-councils.js';

export type { IndexedCouncil } from './council-search/council-entry.js';

/**
 * The councils in memory (about 1,500: a few hundred kilobytes), so the engine can look them
 * up and search them synchronously. `replace` swaps in a fresh list read from storage.
 *
 * @example
 *   const index = new CouncilIndex(await listCouncils(db));
 *   index.search('st denis', 6).councils[0]?.commune // "Saint-Denis"
 */
export class CouncilIndex implements CouncilDirectory {
  private byCode = new Map<string, CouncilRef>();
  private byCouncilId = new Map<string, CouncilRef>();
  private entries: CouncilEntry[] = [];
  private vocabulary: Vocabulary = vocabularyOf([]);

  /** `postcodes`: INSEE code → postcodes (the shipped table unless a test gives its own). */
  constructor(
    councils: readonly IndexedCouncil[] = [],
    private readonly postcodes: ReadonlyMap<string, readonly string[]> = referencePostcodes,
  ) {
    this.replace(councils);
  }

  get size(): number {
    return this.entries.length;
  }

  replace(councils: readonly IndexedCouncil[]): void {
    const byCode = new Map<string, CouncilRef>();
    const byCouncilId = new Map<string, CouncilRef>();
    const entries: CouncilEntry[] = [];
    const placeOf = memoisedPlace();
    for (const council of councils) {
      const entry = councilEntry(council, this.postcodes, placeOf);
      for (const code of [...council.invitationCodes, council.id])
        byCode.set(normalizeInvitationCode(code), entry.ref);
      byCouncilId.set(council.id, entry.ref);
      entries.push(entry);
    }
    this.byCode = byCode;
    this.byCouncilId = byCouncilId;
    this.entries = entries;
    this.vocabulary = vocabularyOf(entries);
  }

  /** Any of the council's codes, or its QPV code, however typed (« k7q-h3m. » finds K7QH3M). */
  byInvitationCode(code: string): CouncilRef | undefined {
    return this.byCode.get(normalizeInvitationCode(code));
  }

  byId(id: string): CouncilRef | undefined {
    return this.byCouncilId.get(id);
  }

  /**
   * By neighbourhood or commune name (typos, accents and hyphens forgiven), postcode, INSEE
   * code or département, best first: `limit` councils from `offset`, and how many match.
   */
  search(text: string, limit: number, offset = 0): CouncilSearch {
    const found = searchCouncils(this.entries, this.vocabulary, text);
    const start = Math.max(0, Math.floor(offset));
    return {
      councils: found.slice(start, start + Math.max(0, limit)).map((scored) => scored.entry.ref),
      total: found.length,
    };
  }
}
