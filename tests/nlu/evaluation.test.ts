import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import {
  createIntentRecognizer,
  type IntentRecognizer,
} from '../../dialogs/nlu/create-intent-recognizer.js';
import { intentNames } from '../../dialogs/nlu/intent-name.js';
import { toCommandWords } from '../../dialogs/nlu/to-command-words.js';
import { evaluationSets, type Item } from './evaluation-items.js';

/**
 * Three sets of utterances written apart from the training data, as other people would type
 * them. Their texts and labels are never changed to make them pass: improve the recogniser or
 * locales/nlu/*.json instead, and never add one of them (or its normalised form) to training.
 *
 * - The evaluation set, used while tuning. Target 95%; measured 96.0% (242/252) before the
 *   phone-style set, 94.8% once « explain » was split from « help » (three questions back
 *   labelled help, such as « c koi le principe », now read as explain), 95.6% (241/252) after
 *   tuning on the phone-style set.
 * - The hold-out set, written later by imagining other residents (greetings, hedges, SMS) and
 *   measured before any tuning: 89.3%, 86.7% at the engine's score. Its misses were seen after
 *   that first run; training phrases they had prompted were taken out again, so that it keeps
 *   telling how the recogniser does on text nobody tuned it for. Measured now: 93.3% (140/150),
 *   91.3% at the engine's score (90.7% and 88.7% before the phone-style tuning).
 * - The phone-style set (362 French, 362 English): SMS spellings (« jsp », « chui », « ok pr
 *   moi »), no accents, typos, questions back to the bot (« pourquoi ? », « c'est quoi ce
 *   truc »), answers that start with a command word (« continuer le marché du dimanche »).
 *   Measured before tuning: 84.5% (navigation intents 84.3%); tuned on it (training phrases,
 *   chat spellings, questions back): 94.5%, navigation intents 96.1% (515/536). Target: 95% of
 *   navigation intents. A few texts were reworded when a new chat spelling (« kestion », « wat »)
 *   made them equal to a training phrase.
 *
 * The minimums below the measured figures only guard against regressions.
 */
const sets: {
  name: string;
  items: Item[];
  minAccuracy: number;
  minAtEngineScore: number;
  /** At least this many utterances in each language. */
  perLanguage: number;
  /** Share of navigation intents (commands, not yes / no / answers) to get right. */
  minNavigation?: number;
}[] = [
  {
    name: 'evaluation set',
    items: evaluationSets.evaluation,
    minAccuracy: 0.95,
    minAtEngineScore: 0.93,
    perLanguage: 100,
  },
  {
    name: 'hold-out set',
    items: evaluationSets.holdout,
    minAccuracy: 0.9,
    minAtEngineScore: 0.85,
    perLanguage: 50,
  },
  {
    name: 'phone-style set',
    items: evaluationSets.phone,
    minAccuracy: 0.92,
    minAtEngineScore: 0.92,
    perLanguage: 300,
    minNavigation: 0.95,
  },
];

/** Commands a person gives; yes, no and answers are read by each step instead. */
const navigation: readonly string[] = intentNames.filter((name) => name !== 'yes' && name !== 'no');

/** The score under which the engine ignores a guess (INTENT_SCORE, dialogs/command-from-text.ts). */
const engineScore = 0.8;

const training = new Set(
  [fr, en].flatMap((corpus) =>
    [...intentNames.flatMap((intent) => corpus.intents[intent]), ...corpus.none].map(toKey),
  ),
);

let recognizer: IntentRecognizer;

beforeAll(async () => {
  recognizer = await createIntentRecognizer();
});

describe.each(sets)(
  'intent recognition on the $name',
  ({ name: setName, items, minAccuracy, minAtEngineScore, perLanguage, minNavigation }) => {
    it('holds enough utterances, a fair share of them answers rather than intents', () => {
      for (const lang of ['fr', 'en'])
        expect(items.filter((item) => item.lang === lang).length, lang).toBeGreaterThanOrEqual(
          perLanguage,
        );
      expect(items.filter((item) => item.intent === 'none').length).toBeGreaterThanOrEqual(
        Math.floor(items.length / 8),
      );
    });

    it(`recognises at least ${minAccuracy * 100}% of them`, async () => {
      const tally = new Map<string, { right: number; total: number }>();
      const misses: string[] = [];
      let rightAtEngineScore = 0;
      const guesses = new Map<Item, string>();
      for (const item of items) {
        const guess = await recognizer.classify(item.text, item.lang);
        const got = guess?.intent ?? 'none';
        guesses.set(item, got);
        const right = got === item.intent;
        const sure = guess !== null && guess.score >= engineScore ? guess.intent : 'none';
        if (sure === item.intent) rightAtEngineScore++;
        if (!right || sure !== item.intent)
          misses.push(
            `${right ? '(under engine score) ' : ''}${item.lang} ${item.intent} → ${got} ${guess?.score.toFixed(2) ?? ''}: ${item.text}`,
          );
        for (const key of ['all', item.lang, item.intent, `${item.lang} ${item.intent}`]) {
          const row = tally.get(key) ?? { right: 0, total: 0 };
          tally.set(key, { right: row.right + (right ? 1 : 0), total: row.total + 1 });
        }
      }
      const rows = ['all', 'fr', 'en', ...intentNames, 'none'].map((key) => {
        const { right = 0, total = 0 } = tally.get(key) ?? {};
        const byLang = ['fr', 'en'].map((lang) => tally.get(`${lang} ${key}`));
        const detail = byLang.every((row) => row !== undefined)
          ? byLang
              .map((row, index) => `${['fr', 'en'][index]} ${row?.right}/${row?.total}`)
              .join('  ')
          : '';
        return `${key.padEnd(9)} ${percent(right, total).padStart(6)}  ${right}/${total}  ${detail}`;
      });
      const atEngineScore =
        `accuracy counting only guesses with score ≥ ${engineScore} as guesses: ` +
        `${percent(rightAtEngineScore, items.length)}  ${rightAtEngineScore}/${items.length}`;
      console.log([`NLU ${setName}`, ...rows, atEngineScore, 'misses:', ...misses].join('\n'));
      const commands = items.filter((item) => navigation.includes(item.intent));
      const rightCommands = commands.filter((item) => guesses.get(item) === item.intent).length;
      console.log(
        `navigation intents (${navigation.join(', ')}): ` +
          `${percent(rightCommands, commands.length)}  ${rightCommands}/${commands.length}`,
      );
      const { right = 0, total = 1 } = tally.get('all') ?? {};
      expect(right / total).toBeGreaterThanOrEqual(minAccuracy);
      expect(rightAtEngineScore / items.length).toBeGreaterThanOrEqual(minAtEngineScore);
      if (minNavigation !== undefined)
        expect(rightCommands / commands.length).toBeGreaterThanOrEqual(minNavigation);
    });

    it('shares no utterance with the training data', () => {
      const shared = items.filter((item) => training.has(toKey(item.text)));
      expect(shared.map((item) => item.text)).toEqual([]);
    });

    it('has no utterance twice', () => {
      const keys = items.map((item) => toKey(item.text) || item.text);
      expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
    });
  },
);

describe('the phone-style set', () => {
  it('shares no utterance with the two sets written before it', () => {
    const earlier = new Set(
      sets.slice(0, 2).flatMap(({ items }) => items.map((i) => toKey(i.text))),
    );
    const phone = sets[2]?.items ?? [];
    expect(phone.filter((item) => earlier.has(toKey(item.text))).map((i) => i.text)).toEqual([]);
  });
});

function toKey(text: string): string {
  return toCommandWords(text).join(' ');
}

function percent(right: number, total: number): string {
  return total === 0 ? '-' : `${((right / total) * 100).toFixed(1)}%`;
}
