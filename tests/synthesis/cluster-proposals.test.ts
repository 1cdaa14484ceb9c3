import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterProposals, type Proposal } from '../../bot/synthesis/cluster-proposals.js';
import { termsOf } from '../../bot/synthesis/terms-of.js';
import { plantedConsultation } from './generate-consultation.js';

/** The planted answers to « qu'est-ce qui aide déjà à se déplacer ? », with their language. */
function mobilityProposals(): Proposal[] {
  const planted = plantedConsultation();
  const langs = new Map(planted.participants.map((p) => [p.participantId, p.lang]));
  return planted.answers.flatMap((a) =>
    a.questionId === 'mob_marche' && a.value.kind === 'text'
      ? [{ id: a.participantId, text: a.value.text, lang: langs.get(a.participantId) ?? 'fr' }]
      : [],
  );
}

describe('clustering proposals', () => {
  it('stems in each language and drops stop words: « soirée », « soiree », « soirs » are one word', () => {
    expect(termsOf('Plus de bus en soirée !', 'fr').map((t) => t.stem)).toEqual(['bus', 'soir']);
    expect(termsOf('des bus le soir, en soiree', 'fr').map((t) => t.stem)).toEqual([
      'bus',
      'soir',
      'soir',
    ]);
    expect(termsOf('More buses in the evenings please', 'en').map((t) => t.stem)).toEqual([
      'buse',
      'even',
    ]);
    expect(termsOf('je sais pas, rien', 'fr')).toEqual([]);
  });

  it('gives the same clusters whatever the order of the proposals', () => {
    const proposals = mobilityProposals();
    const expected = clusterProposals(proposals);
    expect(expected.clusters[0]?.members).toHaveLength(30);
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: proposals.length, maxLength: proposals.length }),
        (keys) => {
          const shuffled = proposals
            .map((p, i) => ({ p, key: keys[i] ?? 0 }))
            .sort((a, b) => a.key - b.key)
            .map(({ p }) => p);
          expect(clusterProposals(shuffled)).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps « bus le soir » and « bus plus fréquents » apart though they share « bus »', () => {
    const { clusters } = clusterProposals(mobilityProposals());
    const [evening, frequent] = clusters;
    expect(evening?.keywords.slice(0, 2)).toEqual(['soir', 'bus']);
    expect(frequent?.keywords[0]).toBe('fréquents');
    expect(frequent?.members).toHaveLength(15);
  });

  it('has nothing to group in no proposal, and sets apart answers with no meaningful word', () => {
    expect(clusterProposals([])).toEqual({ clusters: [], withoutWords: [] });
    const result = clusterProposals([
      { id: 'a', text: 'rien', lang: 'fr' },
      { id: 'b', text: 'la piscine', lang: 'fr' },
    ]);
    expect(result.withoutWords).toEqual(['a']);
    expect(result.clusters.map((c) => c.members.map((m) => m.id))).toEqual([['b']]);
  });
});
