import { z } from 'zod';
import enConsultation from '../locales/en/consultation.json' with { type: 'json' };
import enUi from '../locales/en/ui.json' with { type: 'json' };
import frConsultation from '../locales/fr/consultation.json' with { type: 'json' };
import frUi from '../locales/fr/ui.json' with { type: 'json' };
import shipped from './consultations/conseils-citoyens-2017.json' with { type: 'json' };
import { migrateConsultation } from './migrate-consultation.js';
import { consultationSchema, type Consultation } from './questionnaire-schema.js';
import type { Catalog } from './translate.js';

/** The strings shipped in `locales/`: the interface plus the 2017 consultation. */
export const defaultCatalog: Catalog = {
  fr: { ...frUi, ...frConsultation },
  en: { ...enUi, ...enConsultation },
};

export type ConsultationResult =
  { ok: true; consultation: Consultation } | { ok: false; problems: string[] };

/** Deployment settings that override the file: the dates are configuration, not content. */
export interface ConsultationOverrides {
  opensAt?: string | undefined;
  closesAt?: string | undefined;
}

/**
 * Validates a consultation (migrating older formats first) and checks that every locale key
 * it uses exists in every language of the catalog.
 *
 * @example loadConsultation(json, defaultCatalog, { closesAt: '2017-12-05T23:59:59+01:00' })
 */
export function loadConsultation(
  raw: unknown,
  catalog: Catalog,
  overrides: ConsultationOverrides = {},
): ConsultationResult {
  const migrated = migrateConsultation(raw);
  const withDates =
    typeof migrated === 'object' && migrated !== null
      ? { ...migrated, ...definedOnly(overrides) }
      : migrated;
  const parsed = consultationSchema.safeParse(withDates);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map(describeIssue) };
  const missing = missingKeys(parsed.data, catalog);
  if (missing.length > 0) return { ok: false, problems: missing };
  return { ok: true, consultation: parsed.data };
}

/** The consultation shipped with Concerto, with deployment dates applied. */
export function shippedConsultation(overrides: ConsultationOverrides = {}): ConsultationResult {
  return loadConsultation(shipped, defaultCatalog, overrides);
}

function missingKeys(consultation: Consultation, catalog: Catalog): string[] {
  const keys = new Set<string>();
  collectKeys(consultation, keys);
  const problems: string[] = [];
  for (const lang of ['fr', 'en'] as const) {
    for (const key of keys)
      if (catalog[lang][key] === undefined) problems.push(`missing ${lang} text for "${key}"`);
  }
  return problems;
}

/** Every string under a key-valued field of the consultation (text, title, label, …). */
function collectKeys(node: unknown, keys: Set<string>, field = ''): void {
  if (Array.isArray(node)) {
    for (const item of node) collectKeys(item, keys, field === 'labels' ? 'label' : '');
  } else if (typeof node === 'object' && node !== null) {
    for (const [name, value] of Object.entries(node)) collectKeys(value, keys, name);
  } else if (typeof node === 'string' && keyFields.has(field)) {
    keys.add(node);
  }
}

const keyFields = new Set([
  'title',
  'intro',
  'text',
  'help',
  'label',
  'synonyms',
  'summary',
  'details',
  'closing',
]);

function definedOnly(overrides: ConsultationOverrides): Record<string, string> {
  return Object.fromEntries(
    Object.entries(overrides).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'consultation';
  return `${where}: ${issue.message}`;
}
