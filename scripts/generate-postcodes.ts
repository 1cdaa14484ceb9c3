// Regenerates storage/reference/postcodes-by-insee.json from the devDependency `codes-postaux`
// (Base Adresse Nationale), for the communes of the shipped QPV list only:
//   npm run generate:postcodes
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { parseQpvCsv } from '../storage/parse-qpv-csv.js';

export const postcodesFile = new URL(
  '../storage/reference/postcodes-by-insee.json',
  import.meta.url,
);
const qpvFile = new URL('../storage/reference/qpv-2024.csv', import.meta.url);
const entrySchema = z.array(z.object({ codePostal: z.string(), codeCommune: z.string() }));

/** The QPV list names Paris, Lyon and Marseille as whole communes; postcodes go by arrondissement. */
const arrondissementsOf: Record<string, (code: string) => boolean> = {
  '75056': (code) => /^751(0[1-9]|1[0-9]|20)$/.test(code),
  '69123': (code) => /^6938[1-9]$/.test(code),
  '13055': (code) => /^132(0[1-9]|1[0-6])$/.test(code),
};

/**
 * INSEE code → sorted postcodes for every commune of the QPV list, as the committed file's
 * text (formatted as prettier does, so lint passes and a regeneration diffs line by line).
 */
export async function postcodeTable(): Promise<{
  text: string;
  communes: number;
  postcodes: number;
}> {
  const entries = entrySchema.parse(
    createRequire(import.meta.url)('codes-postaux/codes-postaux.json'),
  );
  const { rows, errors } = parseQpvCsv(readFileSync(qpvFile, 'utf8'));
  if (errors.length > 0) throw new Error(`qpv-2024.csv: ${errors.join('; ')}`);
  const insee = new Set(
    rows.flatMap((row) => row.communeInsee.split(';').map((code) => code.trim())),
  );
  const postcodes = new Map<string, Set<string>>();
  for (const { codeCommune, codePostal } of entries) {
    const owners = insee.has(codeCommune)
      ? [codeCommune]
      : Object.keys(arrondissementsOf).filter((city) => arrondissementsOf[city]?.(codeCommune));
    for (const owner of owners)
      postcodes.set(owner, (postcodes.get(owner) ?? new Set()).add(codePostal));
  }
  const missing = [...insee].filter((code) => !postcodes.has(code)).sort();
  if (missing.length > 0) throw new Error(`no postcode for INSEE code(s) ${missing.join(', ')}`);
  const table = Object.fromEntries(
    [...postcodes.keys()].sort().map((code) => [code, [...(postcodes.get(code) ?? [])].sort()]),
  );
  const options = (await resolveConfig(postcodesFile)) ?? {};
  return {
    text: await format(JSON.stringify(table), { ...options, parser: 'json' }),
    communes: postcodes.size,
    postcodes: new Set(Object.values(table).flat()).size,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { text, communes, postcodes } = await postcodeTable();
  writeFileSync(postcodesFile, text);
  console.log(`postcodes-by-insee.json: ${communes} communes, ${postcodes} postcodes`);
}
