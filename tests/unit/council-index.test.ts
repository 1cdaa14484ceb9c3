import { describe, expect, it } from 'vitest';
import { CouncilIndex, type IndexedCouncil } from '../../bot/council-index.js';
import { derivedInvitationCode } from '../../storage/invitation-code.js';
import { referenceCouncils } from '../../storage/reference-councils.js';

// The real reference list (1,493 QPV), as the server indexes it after the first import.
const rows = referenceCouncils();
const councils: IndexedCouncil[] = rows.map(({ code, ...row }) => ({
  ...row,
  id: code,
  invitationCodes: [derivedInvitationCode(code)],
}));
const index = new CouncilIndex(councils);
const rowsIn = (department: string) => rows.filter((row) => row.department === department);

function communesOf(text: string, limit = 50): string[] {
  return index.search(text, limit).councils.map((council) => council.commune);
}

describe('CouncilIndex.search over the reference list', () => {
  it('indexes the whole list', () => {
    expect(index.size).toBe(1493);
  });

  it('finds a commune typed with a typo, and nothing for gibberish', () => {
    const found = index.search('roubais', 6);
    expect(found.councils[0]).toEqual({
      id: 'QN05981M',
      name: 'Nouveau Roubaix',
      commune: 'Roubaix',
      department: '59',
    });
    expect(found.total).toBe(rows.filter((row) => row.commune.includes('Roubaix')).length);
    expect(index.search('roubaxxxx', 6)).toEqual({ councils: [], total: 0 });
    expect(index.search('xyzzy qwerty', 6)).toEqual({ councils: [], total: 0 });
  });

  it('reads « st », hyphens and missing accents alike; another name is not taken for it', () => {
    const ways = ['st denis', 'saint denis', 'St-Denis', 'SAINT-DENIS', 'St Denis', 'Saint Dénis'];
    const [first, ...others] = ways.map((text) => index.search(text, 100));
    for (const other of others) expect(other).toEqual(first);
    // Saint-Denis in Seine-Saint-Denis and on La Réunion, and nothing else first.
    const exact = rows.filter((row) => row.commune.split('; ').includes('Saint-Denis'));
    expect(
      first?.councils
        .slice(0, exact.length)
        .map((c) => c.id)
        .sort(),
    ).toEqual(exact.map((row) => row.code).sort());
    expect(new Set(first?.councils.slice(0, exact.length).map((c) => c.department))).toEqual(
      new Set(['93', '974']),
    );
    // Run together, it is still the same commune first.
    expect(index.search('saintdenis', exact.length).councils).toEqual(
      first?.councils.slice(0, exact.length),
    );
    expect(index.search('saint xyz', 6).total).toBe(0);
  });

  it('finds Épinay-sur-Seine and La Courneuve as typed on a phone, not another Épinay', () => {
    const epinay = rows.filter((row) => row.commune === 'Épinay-sur-Seine').map((r) => r.code);
    expect(epinay.length).toBeGreaterThan(0);
    for (const text of [
      'epinay sur seine',
      'Épinay-sur-Seine',
      'epinay s/ seine',
      'epinai sur seine',
    ]) {
      const found = index.search(text, 10);
      expect(
        found.councils
          .slice(0, epinay.length)
          .map((c) => c.id)
          .sort(),
      ).toEqual(epinay.sort());
    }
    expect(index.search('epinay sur loire', 6).total).toBe(0);
    expect(communesOf('la courneuve')[0]).toContain('La Courneuve');
    expect(communesOf('courneuve')[0]).toContain('La Courneuve');
    expect(index.search('la courneuves du nord', 6).total).toBe(0);
  });

  it('matches a QPV of several communes on any of them', () => {
    expect(index.search('Omissy', 6).councils[0]?.id).toBe('QN00201M');
    expect(index.search('saint quentin', 6).councils.map((c) => c.id)).toContain('QN00201M');
    expect(index.search('omissy saint quentin', 6).councils[0]?.id).toBe('QN00201M');
    expect(index.search('omissy tourcoing', 6).total).toBe(0);
  });

  it('finds a neighbourhood by its name or its words', () => {
    expect(index.search('nouveau roubaix', 6).councils[0]?.id).toBe('QN05981M');
    expect(index.search('phalempins', 6).councils[0]?.id).toBe('QN05983M');
    expect(index.search('quartier des phalempin', 6).councils[0]?.id).toBe('QN05983M');
    expect(index.search('phalempins lyon', 6).total).toBe(0);
  });

  it('finds the councils of a postcode, and none for a postcode without a QPV', () => {
    const found = index.search('93200', 50);
    expect(found.total).toBeGreaterThan(0);
    expect(found.councils.every((c) => c.commune.includes('Saint-Denis'))).toBe(true);
    expect(found.councils.every((c) => c.department === '93')).toBe(true);
    expect(communesOf('59100')).toContain('Roubaix');
    // Paris's QPV carry the whole commune's INSEE code: every arrondissement finds them.
    expect(new Set(communesOf('75019'))).toEqual(new Set(['Paris']));
    expect(index.search('93999', 6).total).toBe(0);
    expect(index.search('59 100', 6)).toEqual(index.search('59100', 6));
  });

  it('finds the councils of an INSEE code', () => {
    const roubaix = rows.filter((row) => row.communeInsee.split(';').includes('59512'));
    const found = index.search('59512', 50);
    expect(found.councils.map((c) => c.id).sort()).toEqual(roubaix.map((row) => row.code).sort());
    expect(index.search('2A004', 50).councils.every((c) => c.commune === 'Ajaccio')).toBe(true);
    expect(index.search('2A004', 50).total).toBeGreaterThan(0);
    expect(index.search('59999', 6).total).toBe(0);
  });

  it('finds every council of a département by code or name, and none for an unknown one', () => {
    for (const [text, department] of [
      ['59', '59'],
      ['Nord', '59'],
      ['nord', '59'],
      ['93', '93'],
      ['Seine-Saint-Denis', '93'],
      ['seine st denis', '93'],
      ['2A', '2A'],
      ['2a', '2A'],
      ['974', '974'],
    ] as const) {
      const expected = rowsIn(department).length;
      const found = index.search(text, expected);
      expect(found.councils).toHaveLength(expected);
      expect(found.councils.every((c) => c.department === department)).toBe(true);
    }
    expect(index.search('93', 100).total).toBe(75);
    expect(index.search('99', 6).total).toBe(0);
    expect(index.search('Atlantide', 6).total).toBe(0);
  });

  it('ranks exact before prefix before typos', () => {
    const found = index.search('epinay', 20).councils.map((c) => c.commune);
    const typo = found.indexOf('Épinal');
    expect(typo).toBeGreaterThan(-1);
    expect(found.slice(0, typo).every((commune) => commune.startsWith('Épinay'))).toBe(true);
    // Exact « Saint-Denis » before communes that only start with it.
    const saintDenis = index.search('saint denis', 100).councils.map((c) => c.commune);
    const firstOther = saintDenis.findIndex((c) => !c.split('; ').includes('Saint-Denis'));
    expect(saintDenis.slice(firstOther).every((c) => !c.split('; ').includes('Saint-Denis'))).toBe(
      true,
    );
  });

  it('pages with offset and reports the total', () => {
    const all = index.search('93', 75);
    const first = index.search('93', 6);
    const second = index.search('93', 6, 6);
    expect(first.total).toBe(75);
    expect(second.total).toBe(75);
    expect([...first.councils, ...second.councils]).toEqual(all.councils.slice(0, 12));
    expect(index.search('93', 6, 75)).toEqual({ councils: [], total: 75 });
    expect(new Set(all.councils.map((c) => c.id)).size).toBe(75);
  });

  it('ranks deterministically, whatever the order of the list', () => {
    const shuffled = new CouncilIndex([...councils].reverse());
    for (const text of ['saint denis', 'nord', '93', 'epinay', 'roubais', '75019'])
      expect(shuffled.search(text, 200)).toEqual(index.search(text, 200));
  });

  it('finds a council by its QPV code', () => {
    expect(index.search('qn05981m', 6).councils[0]?.id).toBe('QN05981M');
    expect(index.search('QN99999X', 6).total).toBe(0);
  });

  it('asks for two characters at least', () => {
    expect(index.search('a', 6)).toEqual({ councils: [], total: 0 });
    expect(index.search('   ', 6)).toEqual({ councils: [], total: 0 });
  });
});

describe('CouncilIndex invitation codes', () => {
  const small = new CouncilIndex([
    {
      id: 'QN05981M',
      name: 'Nouveau Roubaix',
      commune: 'Roubaix',
      department: '59',
      invitationCodes: ['K7QH3M', derivedInvitationCode('QN05981M')],
    },
  ]);

  it('resolves an older random code and the derived one, however typed', () => {
    const derived = derivedInvitationCode('QN05981M');
    for (const typed of [
      'K7QH3M',
      'k7qh3m',
      ' k7q h3m ',
      'K7Q-H3M',
      'k7qh3m.',
      derived,
      derived.toLowerCase(),
    ])
      expect(small.byInvitationCode(typed)?.id).toBe('QN05981M');
    expect(small.byInvitationCode('qn05981m')?.id).toBe('QN05981M');
  });

  it('knows no other code', () => {
    expect(small.byInvitationCode('ZZZZZZ')).toBeUndefined();
    expect(small.byInvitationCode('')).toBeUndefined();
    expect(small.byId('QN05981M')?.department).toBe('59');
    expect(small.byId('QN05983M')).toBeUndefined();
  });
});
