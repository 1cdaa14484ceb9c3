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
  const space = vectorSpace([...proposals].sort((a, b) => compare(a.id, b.id)));
  const { docs } = space;
  const order = docs
    .map((_, index) => index)
    .sort((a, b) => neighbours(space, b, threshold) - neighbours(space, a, threshold) || a - b);
  // Pass 1: leaders and followers, centres moving as groups grow.
  const first = new Groups(space.terms.length);
  for (const index of order) first.place(index, docs[index]!, threshold);
  // Pass 2: against the settled centres.
  const second = new Groups(space.terms.length);
  for (const index of order) {
    const doc = docs[index]!;
    const best = closest(first.centres(doc), doc);
    second.add(
      best !== undefined && best.cosine >= threshold ? `g${best.group}` : `p${index}`,
      index,
      doc,
    );
  }
  const clusters = second.list().map((members) => describe(space, members, keywords));
  clusters.sort(
    (a, b) => b.members.length - a.members.length || compare(smallestId(a), smallestId(b)),
  );
  return { clusters, withoutWords: space.empty };
}

interface Doc {
  id: string;
  terms: number[];
  weights: number[];
}

interface Space {
  docs: Doc[];
  terms: string[];
  /** The most frequent way each term was written. */
  words: string[];
  postings: { doc: number; weight: number }[][];
  empty: string[];
  neighbourCounts: Map<number, number>;
}

function vectorSpace(proposals: readonly Proposal[]): Space {
  const termIndex = new Map<string, number>();
  const terms: string[] = [];
  const spellings: Map<string, number>[] = [];
  const counted: { id: string; counts: Map<number, number> }[] = [];
  const empty: string[] = [];
  for (const proposal of proposals) {
    const counts = new Map<number, number>();
    for (const { stem, word } of termsOf(proposal.text, proposal.lang)) {
      let index = termIndex.get(stem);
      if (index === undefined) {
        index = terms.length;
        termIndex.set(stem, index);
        terms.push(stem);
        spellings.push(new Map());
      }
      counts.set(index, (counts.get(index) ?? 0) + 1);
      const spelled = spellings[index]!;
      spelled.set(word, (spelled.get(word) ?? 0) + 1);
    }
    if (counts.size === 0) empty.push(proposal.id);
    else counted.push({ id: proposal.id, counts });
  }
  const df = new Array<number>(terms.length).fill(0);
  for (const { counts } of counted) for (const term of counts.keys()) df[term]! += 1;
  const n = counted.length;
  // Softened IDF (its square root): one rare detail (« après 21h ») must not outweigh the
  // idea it comes with (« bus le soir »), yet « bus », said everywhere, still weighs less.
  const idf = df.map((d) => Math.sqrt(Math.log((1 + n) / (1 + d)) + 1));
  const postings: Space['postings'] = terms.map(() => []);
  const docs = counted.map(({ id, counts }, docIndex): Doc => {
    const entries = [...counts.entries()].sort((a, b) => a[0] - b[0]);
    const raw = entries.map(([term, tf]) => (1 + Math.log(tf)) * idf[term]!);
    const norm = Math.hypot(...raw);
    const weights = raw.map((w) => w / norm);
    const doc = { id, terms: entries.map(([term]) => term), weights };
    doc.terms.forEach((term, i) => postings[term]!.push({ doc: docIndex, weight: weights[i]! }));
    return doc;
  });
  const words = spellings.map((spelled) => mostFrequent(spelled));
  return { docs, terms, words, postings, empty, neighbourCounts: new Map() };
}

/** How many other proposals are at least `threshold` similar to this one (computed once). */
function neighbours(space: Space, index: number, threshold: number): number {
  const known = space.neighbourCounts.get(index);
  if (known !== undefined) return known;
  const doc = space.docs[index]!;
  const scores = new Map<number, number>();
  doc.terms.forEach((term, i) => {
    for (const { doc: other, weight } of space.postings[term]!)
      if (other !== index) scores.set(other, (scores.get(other) ?? 0) + doc.weights[i]! * weight);
  });
  let count = 0;
  for (const score of scores.values()) if (score >= threshold - 1e-9) count += 1;
  space.neighbourCounts.set(index, count);
  return count;
}

interface Centre {
  group: number;
  sum: Map<number, number>;
  norm: number;
}

/** Groups being built: each a sum of its members' vectors (its centre, up to length). */
class Groups {
  private readonly groups: {
    key: string;
    sum: Map<number, number>;
    norm2: number;
    members: number[];
  }[] = [];
  private readonly byKey = new Map<string, number>();
  /** For each term, the groups whose centre has it: only those can be close to a proposal. */
  private readonly byTerm: number[][];

  constructor(termCount: number) {
    this.byTerm = Array.from({ length: termCount }, () => []);
  }

  /** Joins the closest group if close enough, else founds one. */
  place(index: number, doc: Doc, threshold: number): void {
    const best = closest(this.centres(doc), doc);
    const joined =
      best !== undefined && best.cosine >= threshold ? this.groups[best.group] : undefined;
    this.add(joined?.key ?? `l${index}`, index, doc);
  }

  add(key: string, index: number, doc: Doc): void {
    let position = this.byKey.get(key);
    if (position === undefined) {
      position = this.groups.length;
      this.byKey.set(key, position);
      this.groups.push({ key, sum: new Map(), norm2: 0, members: [] });
    }
    const group = this.groups[position]!;
    let dot = 0;
    doc.terms.forEach((term, i) => {
      const before = group.sum.get(term);
      if (before === undefined) this.byTerm[term]!.push(position);
      dot += (before ?? 0) * doc.weights[i]!;
      group.sum.set(term, (before ?? 0) + doc.weights[i]!);
    });
    group.norm2 += 2 * dot + 1;
    group.members.push(index);
  }

  /** The centres sharing a term with `doc`, by group number. */
  centres(doc: Doc): Centre[] {
    const positions = [...new Set(doc.terms.flatMap((term) => this.byTerm[term]!))].sort(
      (a, b) => a - b,
    );
    return positions.map((position) => {
      const group = this.groups[position]!;
      return { group: position, sum: group.sum, norm: Math.sqrt(group.norm2) };
    });
  }

  list(): number[][] {
    return this.groups.map((group) => group.members);
  }
}

/** The centre with the highest cosine to `doc`; ties go to the earliest group. */
function closest(
  centres: readonly Centre[],
  doc: Doc,
): { group: number; cosine: number } | undefined {
  let best: { group: number; cosine: number } | undefined;
  for (const centre of centres) {
    let dot = 0;
    doc.terms.forEach((term, i) => {
      dot += (centre.sum.get(term) ?? 0) * doc.weights[i]!;
    });
    const cosine = centre.norm > 0 ? dot / centre.norm : 0;
    if (best === undefined || cosine > best.cosine + 1e-12) best = { group: centre.group, cosine };
  }
  return best;
}

function describe(space: Space, members: readonly number[], keywordCount: number): ProposalCluster {
  const sum = new Map<number, number>();
  for (const index of members) {
    const doc = space.docs[index]!;
    doc.terms.forEach((term, i) => sum.set(term, (sum.get(term) ?? 0) + doc.weights[i]!));
  }
  const norm = Math.hypot(...sum.values());
  const scored = members.map((index) => {
    const doc = space.docs[index]!;
    let dot = 0;
    doc.terms.forEach((term, i) => {
      dot += (sum.get(term) ?? 0) * doc.weights[i]!;
    });
    const words = doc.terms
      .map((term) => space.terms[term]!)
      .sort(compare)
      .join(' ');
    return { id: doc.id, similarity: Math.round((dot / norm) * 1000) / 1000, words };
  });
  scored.sort((a, b) => b.similarity - a.similarity || compare(a.id, b.id));
  const keywords = [...sum.entries()]
    .sort((a, b) => b[1] - a[1] || compare(space.terms[a[0]]!, space.terms[b[0]]!))
    .slice(0, keywordCount)
    .map(([term]) => space.words[term]!);
  return { members: scored, keywords };
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
