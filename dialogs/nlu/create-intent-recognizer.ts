import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { LangFr } from '@nlpjs/lang-fr';
import { Nlp } from '@nlpjs/nlp';
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import { createVocabulary, type Vocabulary } from './create-vocabulary.js';
import { intentNames, type IntentGuess, type IntentName, type Lang } from './intent-name.js';
import { normalizeUtterance } from './normalize-utterance.js';

export interface IntentRecognizer {
  /** The intent of a typed text, or null when it is rather an answer (or unclear). */
  classify(text: string, lang: Lang): Promise<IntentGuess | null>;
}

/** Shape of locales/nlu/<lang>.json: utterances per intent, and answers that are no intent. */
export interface IntentCorpus {
  intents: Readonly<Record<IntentName, readonly string[]>>;
  none: readonly string[];
}

/**
 * Trains the intent classifier once (NLP.js, well under a second) on locales/nlu/<lang>.json.
 *
 * @example
 * const recognizer = await createIntentRecognizer();
 * await recognizer.classify('on peut revenir en arrière ?', 'fr'); // { intent: 'back', score: 1 }
 * await recognizer.classify('Plus de bus le soir', 'fr'); // null
 */
export async function createIntentRecognizer(
  corpora: Readonly<Record<Lang, IntentCorpus>> = { fr, en },
): Promise<IntentRecognizer> {
  const container = containerBootstrap();
  container.use(LangFr);
  container.use(LangEn);
  const nlp = new Nlp({
    container,
    languages: langs,
    autoLoad: false,
    autoSave: false,
    forceNER: false,
    calculateSentiment: false,
    threshold: 0,
    nlu: { useNoneFeature: true, log: false, spellCheck: false },
  });
  const exact = { fr: new Map<string, IntentName>(), en: new Map<string, IntentName>() };
  const words = { fr: new Set<string>(), en: new Set<string>() };
  for (const lang of langs) {
    for (const intent of intentNames) {
      for (const utterance of corpora[lang].intents[intent]) {
        const key = toCommandWords(utterance).join(' ');
        exact[lang].set(key, intent);
        for (const word of key.split(' ')) words[lang].add(word);
        nlp.addDocument(lang, key, intent);
      }
    }
    for (const answer of corpora[lang].none) {
      if (process.env.NONE !== '0') nlp.addDocument(lang, toCommandWords(answer).join(' '), 'None');
    }
  }
  await nlp.train();
  const vocabularies: Record<Lang, Vocabulary> = {
    fr: createVocabulary(words.fr),
    en: createVocabulary(words.en),
  };

  async function classifyWithNlp(lang: Lang, utterance: string): Promise<IntentGuess | null> {
    const result = await nlp.classify(lang, utterance);
    const intent = intentNames.find((name) => name === result.intent);
    return intent !== undefined && result.score >= minScore ? { intent, score: result.score } : null;
  }

  function guessFromOtherLanguage(lang: Lang, utterance: string): IntentGuess | null {
    const intent = exact[lang === 'fr' ? 'en' : 'fr'].get(utterance);
    return intent === undefined ? null : { intent, score: 0.9 };
  }

  return {
    async classify(text, lang) {
      const typed = toCommandWords(text);
      if (typed.length === 0) return null;
      const known = exact[lang].get(typed.join(' '));
      if (known !== undefined) return { intent: known, score: 1 };
      const corrected = typed.map((word) => vocabularies[lang].correct(word));
      const unknown = corrected.filter((word) => word === undefined).length;
      // Commands are short and use few words; an answer brings words of its own.
      if (unknown >= 3 && unknown / typed.length >= 0.3) return null;
      const spellchecked = corrected.map((word, index) => word ?? typed[index]).join(' ');
      return (
        (await classifyWithNlp(lang, typed.join(' '))) ??
        (spellchecked === typed.join(' ') ? null : await classifyWithNlp(lang, spellchecked)) ??
        guessFromOtherLanguage(lang, typed.join(' '))
      );
    },
  };
}

const langs: readonly Lang[] = ['fr', 'en'];

const minScore = Number(process.env.MIN ?? '0.6');

const courtesy = new Set(['svp', 'stp', 'merci', 'please', 'pls', 'plz', 'thanks', 'thx']);

/** The normalized words, without the "please" and "thanks" that can end any request. */
function toCommandWords(text: string): string[] {
  const words = normalizeUtterance(text)
    .replace(/\bs il (vous|te) plait\b/g, 'svp')
    .replace(/\bthank (you|u)\b/g, 'thanks')
    .split(' ')
    .filter((word) => word !== '');
  const kept = words.filter((word) => !courtesy.has(word));
  return kept.length > 0 ? kept : words;
}
