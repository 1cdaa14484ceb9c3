import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import { createIntentRecognizer, type IntentRecognizer } from '../../dialogs/nlu/create-intent-recognizer.js';
import { intentNames } from '../../dialogs/nlu/intent-name.js';
import { toCommandWords } from '../../dialogs/nlu/to-command-words.js';
import evaluationSet from './evaluation-set.json' with { type: 'json' };

/**
 * Utterances written apart from the training data, as other people would type them. Their
 * labels are never changed to make this pass: improve locales/nlu/*.json instead.
 */
const items = z
  .object({
    items: z.array(
      z.object({
        text: z.string(),
        lang: z.enum(['fr', 'en']),
        intent: z.enum([...intentNames, 'none']),
      }),
    ),
  })
  .parse(evaluationSet).items;

const minAccuracy = 0.95;

let recognizer: IntentRecognizer;

beforeAll(async () => {
  recognizer = await createIntentRecognizer();
});

describe('intent recognition on the evaluation set', () => {
  it('holds at least 200 utterances, a fair share of them answers rather than intents', () => {
    expect(items.length).toBeGreaterThanOrEqual(200);
    expect(items.filter((item) => item.intent === 'none').length).toBeGreaterThanOrEqual(30);
  });

  it(`recognises at least ${minAccuracy * 100}% of them`, async () => {
    const tally = new Map<string, { right: number; total: number }>();
    const misses: string[] = [];
    for (const item of items) {
      const guess = await recognizer.classify(item.text, item.lang);
      const got = guess?.intent ?? 'none';
      const right = got === item.intent;
      if (!right) misses.push(`${item.lang} ${item.intent} → ${got} ${guess?.score.toFixed(2) ?? ''}: ${item.text}`);
      for (const key of ['all', item.lang, item.intent, `${item.lang} ${item.intent}`]) {
        const row = tally.get(key) ?? { right: 0, total: 0 };
        tally.set(key, { right: row.right + (right ? 1 : 0), total: row.total + 1 });
      }
    }
    const rows = ['all', 'fr', 'en', ...intentNames, 'none'].map((key) => {
      const { right = 0, total = 0 } = tally.get(key) ?? {};
      const byLang = ['fr', 'en'].map((lang) => tally.get(`${lang} ${key}`));
      const detail = byLang.every((row) => row !== undefined)
        ? byLang.map((row, index) => `${['fr', 'en'][index]} ${row?.right}/${row?.total}`).join('  ')
        : '';
      return `${key.padEnd(9)} ${percent(right, total).padStart(6)}  ${right}/${total}  ${detail}`;
    });
    console.log(['NLU evaluation', ...rows, 'misses:', ...misses].join('\n'));
    const { right = 0, total = 1 } = tally.get('all') ?? {};
    expect(right / total).toBeGreaterThanOrEqual(minAccuracy);
  });

  it('shares no utterance with the training data', () => {
    const training = new Set(
      [fr, en].flatMap((corpus) =>
        [...intentNames.flatMap((intent) => corpus.intents[intent]), ...corpus.none].map((text) =>
          toCommandWords(text).join(' '),
        ),
      ),
    );
    const shared = items.filter((item) => training.has(toCommandWords(item.text).join(' ')));
    expect(shared.map((item) => item.text)).toEqual([]);
  });

  it('has no utterance twice', () => {
    const keys = items.map((item) => toCommandWords(item.text).join(' '));
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });
});

function percent(right: number, total: number): string {
  return total === 0 ? '-' : `${((right / total) * 100).toFixed(1)}%`;
}
