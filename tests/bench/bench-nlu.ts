import { createIntentRecognizer } from '../../dialogs/nlu/create-intent-recognizer.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { matchChoice, type ChoiceCandidate } from '../../dialogs/nlu/match-choice.js';
import evaluationSet from '../nlu/evaluation-set.json' with { type: 'json' };

const classifyCalls = 2_000;
const warmUpCalls = 200;

/**
 * Trains a recogniser, then times 2,000 classify calls over the evaluation set: exact
 * matches, classified commands and free-text answers, French and English.
 */
export async function benchNlu(): Promise<string[]> {
  const trainingStart = performance.now();
  const recognizer = await createIntentRecognizer();
  const trainingMs = performance.now() - trainingStart;
  const samples = evaluationSet.items.flatMap((item): { text: string; lang: Lang }[] =>
    item.lang === 'fr' || item.lang === 'en' ? [{ text: item.text, lang: item.lang }] : [],
  );
  const pick = (index: number): { text: string; lang: Lang } =>
    samples[index % samples.length] ?? { text: 'oui', lang: 'fr' };
  for (let index = 0; index < warmUpCalls; index++) {
    const { text, lang } = pick(index);
    await recognizer.classify(text, lang);
  }
  const durations: number[] = [];
  for (let index = 0; index < classifyCalls; index++) {
    const { text, lang } = pick(index * 7);
    const start = performance.now();
    await recognizer.classify(text, lang);
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  return [
    `nlu.train ${trainingMs.toFixed(0)} ms (target: ≤ 2000 ms)`,
    `nlu.classify median ${ms(quantile(durations, 0.5))} ms, p99 ${ms(quantile(durations, 0.99))} ms ` +
      `over ${classifyCalls} calls (target: median ≤ 1 ms)`,
  ];
}

/** Calls per second of matchChoice over typical answers to a six-theme question. */
export function benchMatchChoice(): string[] {
  const texts = [
    '2',
    'n°4',
    'deux',
    'Mobilité',
    'je dirais les transports',
    'emploie',
    '1, 3 et 5',
    'emploi et culture',
    'cult',
    'Il faudrait plus de bus le soir pour aller au travail',
    '👍',
    '9',
  ];
  const calls = 50_000;
  const start = performance.now();
  let matched = 0;
  for (let index = 0; index < calls; index++) {
    if (matchChoice(texts[index % texts.length] ?? '', themes).kind !== 'none') matched++;
  }
  const seconds = (performance.now() - start) / 1000;
  return [
    `matchChoice ${Math.round(calls / seconds).toLocaleString('en')} calls/s ` +
      `(${((seconds / calls) * 1e6).toFixed(1)} µs each, ${matched} of ${calls} matched)`,
  ];
}

const themes: ChoiceCandidate[] = [
  { id: 'education', label: 'Éducation', synonyms: ['école'] },
  { id: 'emploi', label: 'Emploi', synonyms: ['travail'] },
  { id: 'formation', label: 'Formation' },
  { id: 'mobilite', label: 'Mobilité', synonyms: ['transports'] },
  { id: 'parentalite', label: 'Parentalité' },
  { id: 'culture', label: 'Culture' },
];

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function ms(value: number): string {
  return value < 1 ? value.toFixed(2) : value.toFixed(1);
}
