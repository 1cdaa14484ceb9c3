import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { LangFr } from '@nlpjs/lang-fr';
import { Nlp } from '@nlpjs/nlp';
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import { createVocabulary, type Vocabulary } from './create-vocabulary.js';
import { intentNames, type IntentGuess, type IntentName, type Lang } from './intent-name.js';
import { toCommandWords } from './to-command-words.js';

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
 * A text is looked up exactly first, then spell-corrected against the training words and
 * classified; null when it brings several words of its own (an answer) or scores low.
 *
 * @example
 * const recognizer = await createIntentRecognizer();
 * await recognizer.classify('on peut revenir en arrière ?', 'fr'); // { intent: 'back', score: 1 }
 * await recognizer.classify('Plus de bus le soir pour aller au travail', 'fr'); // null
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
    nlu: { useNoneFeature: true, spellCheck: false, log: false },
  });
  const known = { fr: addCorpus(nlp, 'fr', corpora.fr), en: addCorpus(nlp, 'en', corpora.en) };
  await nlp.train();

  return {
    async classify(text, lang) {
      const typed = toCommandWords(text);
      if (typed.length === 0) return null;
      const exact = known[lang].utterances.get(typed.join(' '));
      if (exact !== undefined) return { intent: exact, score: 1 };
      // "yes" or "stop" typed in the other language than the conversation's.
      const other = known[lang === 'fr' ? 'en' : 'fr'].utterances.get(typed.join(' '));
      if (other !== undefined) return { intent: other, score: 0.9 };
      const corrected = typed.map((word) => known[lang].vocabulary.correct(word));
      const unknown = corrected.filter((word) => word === undefined).length;
      // Commands are short and use few words; an answer brings words of its own.
      if (unknown >= 3 && unknown / typed.length >= 0.3) return null;
      const result = await nlp.classify(
        lang,
        corrected.map((word, index) => word ?? typed[index]).join(' '),
      );
      const intent = intentNames.find((name) => name === result.intent);
      return intent !== undefined && result.score >= minScore
        ? { intent, score: result.score }
        : null;
    },
  };
}

const langs: readonly Lang[] = ['fr', 'en'];

interface KnownUtterances {
  utterances: ReadonlyMap<string, IntentName>;
  vocabulary: Vocabulary;
}

function addCorpus(nlp: Nlp, lang: Lang, corpus: IntentCorpus): KnownUtterances {
  const utterances = new Map<string, IntentName>();
  const commandWords = new Set<string>();
  for (const intent of intentNames) {
    for (const utterance of corpus.intents[intent]) {
      const words = toCommandWords(utterance);
      for (const word of words) commandWords.add(word);
      utterances.set(words.join(' '), intent);
      nlp.addDocument(lang, words.join(' '), intent);
    }
  }
  const answerWords = new Set<string>();
  for (const answer of corpus.none) {
    const words = toCommandWords(answer);
    for (const word of words) answerWords.add(word);
    nlp.addDocument(lang, words.join(' '), 'None');
  }
  return { utterances, vocabulary: createVocabulary(commandWords, answerWords) };
}

/** NLP.js's own default threshold. */
const minScore = 0.5;
