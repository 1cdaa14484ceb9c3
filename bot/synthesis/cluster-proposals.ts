import type { Lang } from '../../dialogs/session-state.js';
import { termsOf } from './terms-of.js';

/** One free-text answer: `id` orders and breaks ties (the participant id). */
export interface Proposal {
  id: string;
  text: string;
  lang: Lang;
}

export interface ProposalCluster {
  /**
   * Its proposals, the most representative first (closest to the group's centre; ties by id),
   * each with its `words`: its stems, sorted (two proposals saying the same words share it).
   */
  members: { id: string; similarity: number; words: string }[];
  /** The words that weigh most in the group, as people wrote them most often. */
  keywords: string[];
}

export interface Clustering {
  /** Largest first; ties by the smallest member id. */
  clusters: ProposalCluster[];
  /** Proposals with no meaningful word (« rien », « je sais pas »), by id. */
  withoutWords: string[];
}

export interface ClusteringOptions {
  /** How similar (cosine) a proposal must be to a group's centre to belong to it. */
  threshold?: number;
  keywords?: number;
}

export const clusteringDefaults = { threshold: 0.4, keywords: 5 } as const;

/**
 * Groups similar proposals, deterministically (same proposals, same groups, whatever their
 * order). The method, simple enough to explain to a workshop table:
 *
 * 1. Each proposal becomes a vector of its stemmed words (terms-of.ts), weighted by TF-IDF
 *    (a word shared by few proposals says more than « quartier », found everywhere; softened
 *    by a square root so that one rare detail does not decide alone), length 1.
 *    French and English answers share one space: each is stemmed in its own language, so they
 *    meet through the stems they share (« bus », « transport », « sport ») and otherwise stay
 *    apart, rather than through a translation we do not have.
 * 2. Proposals are taken most typical first (those with the most neighbours at cosine ≥ the
 *    threshold; ties by id). Each joins the group whose centre is closest if its cosine reaches
 *    the threshold, else starts a new group (« leader » clustering with centroids).
 * 3. Every proposal is then placed once more in the group whose centre, now settled, is
 *    closest (one k-means step), or alone if none is close enough.
 *
 * Comparing with a group's centre rather than with its nearest member keeps « bus le soir »
 * and « bus plus fréquents » apart though they share « bus ».
 *
 * @example clusterProposals([{ id: 'a', text: 'Plus de bus le soir', lang: 'fr' }, …]).clusters[0]?.keywords // ['bus', 'soir', …]
 */
export function clusterProposals(
  proposals: readonly Proposal[],
  options: ClusteringOptions = {},
): Clustering {
  const { threshold, keywords } = { ...clusteringDefaults, ...options };
  const { docs, empty } = vectorSpace([...proposals].sort((a, b) => compare(a.id, b.id)));
  const density = new Map(docs.map((doc) => [doc, neighbours(doc, threshold)]));
  const order = [...docs].sort(
    (a, b) => (density.get(b) ?? 0) - (density.get(a) ?? 0) || a.index - b.index,
  );
  // Pass 1: leaders and followers, centres moving as groups grow.
  const first = new Groups();
  for (const doc of order) {
    const best = closest(first.near(doc), doc);
    first.add(best !== undefined && best.cosine >= threshold ? best.group : undefined, doc);
  }
  // Pass 2: against the settled centres (one group of the second pass per group of the first).
  const second = new Groups();
  const settled = new Map<Group, Group>();
  for (const doc of order) {
    const best = closest(first.near(doc), doc);
    let group: Group | undefined;
    if (best !== undefined && best.cosine >= threshold) {
      group = settled.get(best.group);
      if (group === undefined) {
        group = second.add(undefined, doc);
        settled.set(best.group, group);
        continue;
      }
    }
    second.add(group, doc);
  }
  const clusters = second.groups.map((group) => describe(group, keywords));
  clusters.sort(
    (a, b) => b.members.length - a.members.length || compare(smallestId(a), smallestId(b)),
  );
  return { clusters, withoutWords: empty };
}

/** A term of the vocabulary: its stem, how people wrote it, the proposals that have it. */
interface Term {
  stem: string;
  spellings: Map<string, number>;
  postings: { doc: Doc; weight: number }[];
}

interface Doc {
  id: string;
  /** Position in id order: ties are broken by it. */
  index: number;
  /** Its terms with their weights (the vector has length 1). */
  entries: { term: Term; weight: number }[];
}

function vectorSpace(proposals: readonly Proposal[]): { docs: Doc[]; empty: string[] } {
  const vocabulary = new Map<string, Term>();
  const counted: { id: string; counts: Map<Term, number> }[] = [];
  const empty: string[] = [];
  for (const proposal of proposals) {
    const counts = new Map<Term, number>();
    for (const { stem, word } of termsOf(proposal.text, proposal.lang)) {
      let term = vocabulary.get(stem);
      if (term === undefined) {
        term = { stem, spellings: new Map(), postings: [] };
        vocabulary.set(stem, term);
      }
      counts.set(term, (counts.get(term) ?? 0) + 1);
      term.spellings.set(word, (term.spellings.get(word) ?? 0) + 1);
    }
    if (counts.size === 0) empty.push(proposal.id);
    else counted.push({ id: proposal.id, counts });
  }
  const df = new Map<Term, number>();
  for (const { counts } of counted)
    for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = counted.length;
  // Softened IDF (its square root): one rare detail (« après 21h ») must not outweigh the
  // idea it comes with (« bus le soir »), yet « bus », said everywhere, still weighs less.
  const idf = (term: Term) => Math.sqrt(Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1);
  const docs = counted.map(({ id, counts }, index): Doc => {
    const raw = [...counts.entries()]
      .sort((a, b) => compare(a[0].stem, b[0].stem))
      .map(([term, tf]) => ({ term, weight: (1 + Math.log(tf)) * idf(term) }));
    const norm = Math.hypot(...raw.map((e) => e.weight));
    const doc: Doc = {
      id,
      index,
      entries: raw.map((e) => ({ term: e.term, weight: e.weight / norm })),
    };
    for (const { term, weight } of doc.entries) term.postings.push({ doc, weight });
    return doc;
  });
  return { docs, empty };
}

/** How many other proposals are at least `threshold` similar to this one. */
function neighbours(doc: Doc, threshold: number): number {
  const scores = new Map<Doc, number>();
  for (const { term, weight } of doc.entries)
    for (const posting of term.postings)
      if (posting.doc !== doc)
        scores.set(posting.doc, (scores.get(posting.doc) ?? 0) + weight * posting.weight);
  let count = 0;
  for (const score of scores.values()) if (score >= threshold - 1e-9) count += 1;
  return count;
}

/** A group being built: the sum of its members' vectors (its centre, up to length). */
interface Group {
  /** Order of creation: ties go to the earliest group. */
  position: number;
  sum: Map<Term, number>;
  norm2: number;
  members: Doc[];
}

class Groups {
  readonly groups: Group[] = [];
  /** For each term, the groups whose centre has it: only those can be close to a proposal. */
  private readonly byTerm = new Map<Term, Group[]>();

  /** Adds `doc` to `group`, or to a new group; returns the group. */
  add(group: Group | undefined, doc: Doc): Group {
    const target = group ?? this.create();
    let dot = 0;
    for (const { term, weight } of doc.entries) {
      const before = target.sum.get(term);
      if (before === undefined) {
        const list = this.byTerm.get(term) ?? [];
        list.push(target);
        this.byTerm.set(term, list);
      }
      dot += (before ?? 0) * weight;
      target.sum.set(term, (before ?? 0) + weight);
    }
    target.norm2 += 2 * dot + 1;
    target.members.push(doc);
    return target;
  }

  /** The groups sharing a term with `doc`, in order of creation. */
  near(doc: Doc): Group[] {
    const found = new Set<Group>();
    for (const { term } of doc.entries)
      for (const group of this.byTerm.get(term) ?? []) found.add(group);
    return [...found].sort((a, b) => a.position - b.position);
  }

  private create(): Group {
    const group: Group = { position: this.groups.length, sum: new Map(), norm2: 0, members: [] };
    this.groups.push(group);
    return group;
  }
}

/** The group whose centre has the highest cosine with `doc`; ties go to the earliest group. */
function closest(groups: readonly Group[], doc: Doc): { group: Group; cosine: number } | undefined {
  let best: { group: Group; cosine: number } | undefined;
  for (const group of groups) {
    const norm = Math.sqrt(group.norm2);
    const cosine = norm > 0 ? dotWith(group.sum, doc) / norm : 0;
    if (best === undefined || cosine > best.cosine + 1e-12) best = { group, cosine };
  }
  return best;
}

function dotWith(sum: ReadonlyMap<Term, number>, doc: Doc): number {
  let dot = 0;
  for (const { term, weight } of doc.entries) dot += (sum.get(term) ?? 0) * weight;
  return dot;
}

function describe(group: Group, keywordCount: number): ProposalCluster {
  const sum = new Map<Term, number>();
  for (const doc of group.members)
    for (const { term, weight } of doc.entries) sum.set(term, (sum.get(term) ?? 0) + weight);
  const norm = Math.hypot(...sum.values());
  const members = group.members.map((doc) => ({
    id: doc.id,
    similarity: Math.round((dotWith(sum, doc) / norm) * 1000) / 1000,
    words: doc.entries.map((e) => e.term.stem).join(' '),
  }));
  members.sort((a, b) => b.similarity - a.similarity || compare(a.id, b.id));
  const keywords = [...sum.entries()]
    .sort((a, b) => b[1] - a[1] || compare(a[0].stem, b[0].stem))
    .slice(0, keywordCount)
    .map(([term]) => mostFrequent(term.spellings));
  return { members, keywords };
}

function mostFrequent(counts: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [word, count] of counts) {
    if (count > bestCount || (count === bestCount && compare(word, best) < 0)) {
      best = word;
      bestCount = count;
    }
  }
  return best;
}

function smallestId(cluster: ProposalCluster): string {
  return cluster.members.reduce(
    (min, m) => (compare(m.id, min) < 0 ? m.id : min),
    cluster.members[0]?.id ?? '',
  );
}

/** Code-unit order: the same on every machine, whatever its locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
