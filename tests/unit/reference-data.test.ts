import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postcodeTable, postcodesFile } from '../../scripts/generate-postcodes.js';
import { referenceCouncils } from '../../storage/reference-councils.js';
import { referencePostcodes } from '../../storage/reference-postcodes.js';

describe('the shipped reference data', () => {
  it('has the postcode table the script makes from codes-postaux, not an edited one', async () => {
    const { text, communes } = await postcodeTable();
    expect(readFileSync(postcodesFile, 'utf8')).toBe(text);
    expect(referencePostcodes.size).toBe(communes);
  });

  it('gives every commune of the QPV list its postcodes, and nothing else', () => {
    const insee = new Set(referenceCouncils().flatMap((row) => row.communeInsee.split(';')));
    expect(new Set(referencePostcodes.keys())).toEqual(insee);
    expect(referencePostcodes.get('93066')).toEqual(['93200', '93210']); // Saint-Denis
    expect(referencePostcodes.get('59512')).toEqual(['59100']); // Roubaix
    expect(referencePostcodes.get('75056')).toHaveLength(21); // Paris: 75001–75020 and 75116
    expect(referencePostcodes.get('99999')).toBeUndefined();
  });
});
