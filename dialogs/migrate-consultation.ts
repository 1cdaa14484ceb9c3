/**
 * Brings an older consultation file to the current `specVersion`, one step per version, so a
 * deployment's file keeps working when the format moves on.
 *
 * - 1 → 2: `consent` was one locale key; it became `{ summary, details }` (the short text
 *   shown first, the long one behind "En savoir plus").
 */
export function migrateConsultation(raw: unknown): unknown {
  let current = raw;
  while (isRecord(current) && current['specVersion'] === 1) current = fromV1(current);
  return current;
}

function fromV1(v1: Record<string, unknown>): Record<string, unknown> {
  const consent = v1['consent'];
  return {
    ...v1,
    specVersion: 2,
    consent: typeof consent === 'string' ? { summary: consent, details: consent } : consent,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
