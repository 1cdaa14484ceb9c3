import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { LangFr } from '@nlpjs/lang-fr';
import { Nlp } from '@nlpjs/nlp';
import enConsultation from '../../locales/en/consultation.json' with { type: 'json' };
import frConsultation from '../../locales/fr/consultation.json' with { type: 'json' };
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import { createVocabulary, type Vocabulary } from './create-vocabulary.js';
import { intentNames, type IntentGuess, type IntentName, type Lang } from './intent-name.js';
import { questionBackOf } from './question-back-of.js';
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
 * Trains the intent classifier once (NLP.js, about a second) on locales/nlu/<lang>.json.
 * A text is looked up exactly first (with and without greetings and hedges), then
 * spell-corrected against the training words and classified; null when it is only a number,
 * when it brings several words of its own (an answer) or when it scores low.
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
      // Emoji, punctuation or numbers alone ("2", "🙂", "2 and 7") answer a question.
      if (typed.every((word) => /^\d+$/.test(word) || functionWords.has(word))) return null;
      const exact = known[lang].utterances.get(typed.join(' '));
      if (exact !== undefined) return { intent: exact, score: 1 };
      // "yes" or "stop" typed in the other language than the conversation's.
      const other = known[lang === 'fr' ? 'en' : 'fr'].utterances.get(typed.join(' '));
      if (other !== undefined) return { intent: other, score: 0.9 };
      // "bonjour, …", "sorry, …", "franchement …": said around commands and answers alike.
      const unpadded = typed.filter((word) => !fillers.has(word));
      const words = unpadded.length > 0 ? unpadded : typed;
      const unpaddedExact = known[lang].utterances.get(words.join(' '));
      if (unpaddedExact !== undefined) return { intent: unpaddedExact, score: 1 };
      const corrected = words.map((word) => known[lang].vocabulary.correct(word));
      // « pourquoi ? », « c'est quoi un conseil citoyen ? », « what does drop out mean »:
      // asked about the step itself or words no command uses, the question is for explaining.
      const back = questionBackOf(text);
      const about = (back?.about ?? '')
        .split(' ')
        .filter((word) => word !== '' && !functionWords.has(word));
      // « c'est quoi mes réponses ? » is about a command (the summary), « c'est quoi les codes
      // du travail ? » about a choice: most of the words it is about tell.
      const aboutCommand =
        about.filter((word) => known[lang].vocabulary.correct(word) !== undefined).length * 2 >
        about.length;
      if (back && !aboutCommand) return { intent: 'explain', score: questionBackScore };
      const unknown = corrected.filter((word) => word === undefined).length;
      // Commands are short and use few words; an answer brings words of its own.
      if (unknown >= 3 && unknown / words.length >= 0.3) return null;
      // Content words that no command uses ("éclairage", "parc"): two or more, a third of the
      // content words or more, and the text is an answer.
      const foreign = words.filter(
        (word, index) => corrected[index] === undefined && !functionWords.has(word),
      );
      const content = words.filter((word) => !functionWords.has(word));
      if (foreign.length >= 2 && foreign.length * 3 >= content.length) return null;
      const result = await nlp.classify(
        lang,
        corrected.map((word, index) => word ?? words[index]).join(' '),
      );
      const intent = intentNames.find((name) => name === result.intent);
      // « c'est quoi mes réponses ? » asks for the summary; when unsure, a question explains.
      if (back && (intent === undefined || result.score < minScore))
        return { intent: 'explain', score: questionBackScore };
      if (intent === undefined || result.score < minScore) return null;
      // NLP.js spreads its score over the intents sharing a word ("plus", "continuer"): a text
      // made only of command words is surer than it says, each word of the answers in the
      // training data ("bus", "médecins") makes it less sure.
      const answerWords = foreign.filter((word) => known[lang].answerWords.has(word)).length;
      const score =
        foreign.length === 0
          ? result.score + (1 - result.score) * surerByCommandWords
          : result.score * lessSurePerAnswerWord ** answerWords;
      return { intent, score };
    },
  };
}

const langs: readonly Lang[] = ['fr', 'en'];

interface KnownUtterances {
  utterances: ReadonlyMap<string, IntentName>;
  /** Words of the answers in the training data. */
  answerWords: ReadonlySet<string>;
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
  // The words of the questionnaire's own questions and choices are answers' words too
  // (« devoirs », « mixité », « discriminations »): never "corrected" into a command word.
  for (const word of questionnaireWords[lang]) if (!commandWords.has(word)) answerWords.add(word);
  return { utterances, answerWords, vocabulary: createVocabulary(commandWords, answerWords) };
}

/** Every word of the shipped questionnaire's texts, as toCommandWords leaves them. */
const questionnaireWords: Readonly<Record<Lang, ReadonlySet<string>>> = {
  fr: wordsOf(Object.values(frConsultation)),
  en: wordsOf(Object.values(enConsultation)),
};

function wordsOf(texts: readonly string[]): ReadonlySet<string> {
  return new Set(texts.flatMap((text) => toCommandWords(text)).filter((w) => w.length > 2));
}

/** How sure a question back is to ask for an explanation (above the engine's 0.8). */
const questionBackScore = 0.9;

/** NLP.js's own default threshold. */
const minScore = 0.5;

/** Share of the missing confidence given back to a text made only of command words. */
const surerByCommandWords = 0.6;

/** Factor applied to the score for each word of the answers in the training data. */
const lessSurePerAnswerWord = 0.85;

/** Words of any sentence, command or answer: they do not make a text an answer. */
const functionWords = toWordSet([
  ...['a', 'au', 'aux', 'c', 'ca', 'ce', 'cet', 'cette', 'd', 'dans', 'de', 'des', 'du', 'elle'],
  ...['en', 'est', 'et', 'il', 'ils', 'j', 'je', 'l', 'la', 'le', 'les', 'leur', 'm', 'ma', 'me'],
  ...['mes', 'moi', 'mon', 'n', 'ne', 'nous', 'on', 'ou', 'par', 'pour', 'qu', 'que', 'qui'],
  ...['s', 'sa', 'se', 'ses', 'son', 't', 'ta', 'te', 'tes', 'ton', 'tu', 'un', 'une', 'vos'],
  ...['votre', 'vous', 'y', 'ah', 'bah', 'ben', 'bon', 'oh', 'alors'],
  ...['an', 'and', 'are', 'at', 'be', 'for', 'i', 'in', 'is', 'it', 'its', 'll', 'm', 'my'],
  ...['of', 'on', 'or', 're', 'so', 'that', 'the', 'this', 'to', 've', 'we', 'with', 'you'],
  ...['your', 'well'],
]);

/** Greetings, apologies and hedges, dropped before classifying. */
const fillers = toWordSet([
  ...['bonjour', 'bonsoir', 'salut', 'coucou', 'desole', 'desolee'],
  ...['pardon', 'excusez', 'excuse', 'franchement', 'euh', 'hm', 'hein', 'mince', 'zut'],
  ...['hi', 'hey', 'hello', 'sorry', 'um', 'uh', 'er', 'honestly', 'seriously', 'actually'],
  ...['anyway', 'mate', 'like'],
]);

/** Words as toCommandWords leaves them ("hello" → "helo"). */
function toWordSet(words: readonly string[]): ReadonlySet<string> {
  return new Set(words.flatMap((word) => toCommandWords(word)));
}
