import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import enData from '../../locales/en/ui.json' with { type: 'json' };
import frData from '../../locales/fr/ui.json' with { type: 'json' };
import adminEnData from '../../locales/en/admin.json' with { type: 'json' };
import adminFrData from '../../locales/fr/admin.json' with { type: 'json' };

const localeFile = z.record(z.string(), z.string());
const fr = localeFile.parse(frData);
const en = localeFile.parse(enData);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** The literal keys the engine translates: t('review.title'), turn.t("consent.ask", …). */
function keysUsedByTheEngine(): string[] {
  const folder = new URL('../../dialogs/', import.meta.url);
  const sources = readdirSync(folder)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(new URL(file, folder), 'utf8'));
  return [
    ...new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/\bt\(\s*'([a-z][a-z0-9_.]*)'/g)].map((m) => m[1] ?? ''),
      ),
    ),
  ];
}

describe('the interface locale files', () => {
  it('have the same keys in French and in English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('use the same placeholders in both languages', () => {
    const different = Object.keys(fr).filter(
      (key) =>
        JSON.stringify(placeholders(fr[key] ?? '')) !== JSON.stringify(placeholders(en[key] ?? '')),
    );
    expect(different).toEqual([]);
  });

  it('hold no empty string', () => {
    expect(Object.keys(fr).filter((key) => (fr[key] ?? '').trim() === '')).toEqual([]);
    expect(Object.keys(en).filter((key) => (en[key] ?? '').trim() === '')).toEqual([]);
  });

  it('define every key the engine asks for by name', () => {
    const used = keysUsedByTheEngine();
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((key) => fr[key] === undefined)).toEqual([]);
  });
});

describe('the admin page locale files', () => {
  const adminFr = localeFile.parse(adminFrData);
  const adminEn = localeFile.parse(adminEnData);

  it('have the same keys and placeholders in French and in English, all under admin.', () => {
    expect(Object.keys(adminEn).sort()).toEqual(Object.keys(adminFr).sort());
    expect(Object.keys(adminFr).filter((key) => !key.startsWith('admin.'))).toEqual([]);
    const different = Object.keys(adminFr).filter(
      (key) =>
        JSON.stringify(placeholders(adminFr[key] ?? '')) !==
        JSON.stringify(placeholders(adminEn[key] ?? '')),
    );
    expect(different).toEqual([]);
  });

  it('define every key the admin page asks for by name', () => {
    const folder = new URL('../../bot/admin-page/', import.meta.url);
    const used = readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [...readFileSync(new URL(file, folder), 'utf8').matchAll(/'(admin\.[a-z_.]+[a-z_])'/g)].map(
          (m) => m[1] ?? '',
        ),
      );
    expect(used.length).toBeGreaterThan(100);
    expect([...new Set(used)].filter((key) => adminFr[key] === undefined)).toEqual([]);
  });
});
