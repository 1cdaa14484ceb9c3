import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../locales/nlu/en.json' with { type: 'json' };
import fr from '../../locales/nlu/fr.json' with { type: 'json' };
import {
  createIntentRecognizer,
  type IntentCorpus,
  type IntentRecognizer,
} from '../../dialogs/nlu/create-intent-recognizer.js';
import { intentNames, type IntentName, type Lang } from '../../dialogs/nlu/intent-name.js';
import { toCommandWords } from '../../dialogs/nlu/to-command-words.js';

let recognizer: IntentRecognizer;

/** The score under which the engine ignores a guess (INTENT_SCORE, dialogs/command-from-text.ts). */
const engineScore = 0.8;

beforeAll(async () => {
  recognizer = await createIntentRecognizer();
});

const phrases: [Lang, string, IntentName][] = [
  ['fr', 'aide', 'help'],
  ['fr', 'je comprends pas', 'help'],
  ['en', 'what can I do?', 'help'],
  ['en', "I don't understand", 'help'],
  ['fr', 'on peut revenir en arrière ?', 'back'],
  ['fr', 'je veux changer ma réponse', 'back'],
  ['en', 'go back', 'back'],
  ['en', 'change my previous answer', 'back'],
  ['fr', 'passe', 'skip'],
  ['fr', 'suivant', 'skip'],
  ['fr', 'je sais pas', 'skip'],
  ['fr', 'aucune idée', 'skip'],
  ['en', 'next', 'skip'],
  ['en', "I don't know", 'skip'],
  ['fr', 'reprendre', 'resume'],
  ['fr', 'on continue', 'resume'],
  ['en', 'continue', 'resume'],
  ['en', 'where was I?', 'resume'],
  ['fr', 'récapitulatif', 'summary'],
  ['fr', 'voir mes réponses', 'summary'],
  ['en', 'see my answers', 'summary'],
  ['fr', 'english please', 'language'],
  ['fr', 'changer de langue', 'language'],
  ['en', 'change language', 'language'],
  ['en', 'en français', 'language'],
  ['fr', "arrêtez de m'écrire", 'stop'],
  ['fr', 'STOP', 'stop'],
  ['fr', 'ne plus recevoir de messages', 'stop'],
  ['en', 'unsubscribe', 'stop'],
  ['fr', 'effacez mes réponses', 'delete'],
  ['fr', 'supprimer mes données', 'delete'],
  ['en', 'delete my data', 'delete'],
  ['fr', 'plus tard', 'pause'],
  ['fr', 'je reviens demain', 'pause'],
  ['en', "I'll continue later", 'pause'],
  ['fr', 'oui', 'yes'],
  ['fr', 'ouais', 'yes'],
  ['fr', 'bien sûr', 'yes'],
  ['fr', "d'accord", 'yes'],
  ['fr', 'ok', 'yes'],
  ['fr', 'ouai', 'yes'],
  ['fr', 'ui', 'yes'],
  ['fr', 'oké', 'yes'],
  ['fr', 'OUIIIII !!', 'yes'],
  ['en', 'yes', 'yes'],
  ['en', 'yep', 'yes'],
  ['en', 'sure', 'yes'],
  ['en', 'of course', 'yes'],
  ['fr', 'non', 'no'],
  ['fr', 'non merci', 'no'],
  ['fr', 'pas du tout', 'no'],
  ['en', 'nope', 'no'],
  ['en', 'no thanks', 'no'],
  ['fr', 'pourquoi ?', 'explain'],
  ['fr', "c'est quoi un conseil citoyen ?", 'explain'],
  ['fr', 'ça veut dire quoi les codes du monde du travail ?', 'explain'],
  ['en', 'why?', 'explain'],
  ['en', 'what does that mean', 'explain'],
  ['fr', 'je veux continuer sur mon ordinateur', 'code'],
  ['fr', 'code pour continuer ailleurs', 'code'],
  ['en', 'continue on another device', 'code'],
  // typed in the other language than the conversation's
  ['fr', 'leave me alone', 'stop'],
  ['en', 'supprimer mes données', 'delete'],
];

describe('createIntentRecognizer', () => {
  it.each(phrases)('%s %j is %s', async (lang, text, intent) => {
    expect(await recognizer.classify(text, lang)).toMatchObject({ intent });
  });

  it.each([
    ['fr', 'Il faudrait plus de bus le soir pour aller au travail'],
    ['fr', 'Des ateliers de théâtre pour les enfants le mercredi après-midi'],
    ['en', 'We need more buses in the evening to get to work'],
    ['fr', ''],
    ['fr', '🙏🙏'],
    ['en', '?!'],
  ] satisfies [Lang, string][])('%s %j is no intent', async (lang, text) => {
    const guess = await recognizer.classify(text, lang);
    expect(guess === null || guess.score < 0.5).toBe(true);
  });

  it.each([
    ['fr', 'continuer la fête des voisins'],
    ['fr', 'plus de médecins'],
    ['en', 'more doctors'],
    ['fr', "les jeunes n'ont rien à faire le soir"],
    ['fr', 'peut-être'],
    ['fr', 'bof'],
    ['fr', 'l’emploi'],
    ['en', 'maybe'],
    ['fr', 'Il faut rénover le gymnase et la piscine'],
  ] satisfies [Lang, string][])(
    '%s %j, an answer, is no command for the engine',
    async (lang, text) => {
      const guess = await recognizer.classify(text, lang);
      expect(guess === null || guess.score < engineScore).toBe(true);
    },
  );

  it.each([
    ['fr', '2'],
    ['en', '12'],
    ['fr', '3 4'],
    ['fr', '🙂'],
    ['en', '👍👍'],
  ] satisfies [Lang, string][])('%s %j, only digits or emoji, is null', async (lang, text) => {
    expect(await recognizer.classify(text, lang)).toBeNull();
  });

  it.each([
    ['fr', 'jsp', 'skip'],
    ['fr', 'chui perdu', 'help'],
    ['fr', 'jveux arrêter les messages', 'stop'],
    ['fr', 'bonjour, je voudrais supprimer mes données', 'delete'],
    ['en', 'i dont understand', 'help'],
    ['en', 'sorry, can we go back', 'back'],
    ['en', 'ttyl', 'pause'],
  ] satisfies [Lang, string, IntentName][])(
    '%s %j, typed quickly, is %s',
    async (lang, text, intent) => {
      expect(await recognizer.classify(text, lang)).toMatchObject({ intent });
    },
  );

  it('scores between 0 and 1', async () => {
    const guess = await recognizer.classify('je voudrais revenir à la question d avant', 'fr');
    expect(guess?.score).toBeGreaterThan(0);
    expect(guess?.score).toBeLessThanOrEqual(1);
  });
});

describe('toCommandWords', () => {
  it.each([
    ["Effacez mes réponses s'il vous plaît !", 'efacez mes reponses'],
    ['jveux pa continuer', 'je veux pas continuer'],
    ['chui perdu', 'je suis perdu'],
    ['jsp', 'je sais pas'],
    ["I dont know, I'm lost", 'i don t know i m lost'],
    ['non merci', 'non'],
    ['merci', 'merci'],
  ])('%j → %j', (text, words) => {
    expect(toCommandWords(text).join(' ')).toBe(words);
  });
});

describe('locales/nlu training data', () => {
  const corpora: [Lang, IntentCorpus][] = [
    ['fr', fr],
    ['en', en],
  ];

  it.each(corpora)('%s has 15 to 70 utterances per intent', (_, corpus) => {
    for (const intent of intentNames) {
      expect(corpus.intents[intent].length, intent).toBeGreaterThanOrEqual(15);
      expect(corpus.intents[intent].length, intent).toBeLessThanOrEqual(70);
    }
  });

  it.each(corpora)('%s gives no utterance to two intents', (_, corpus) => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    const labelled = [
      ...intentNames.flatMap((intent) => corpus.intents[intent].map((text) => [intent, text])),
      ...corpus.none.map((text) => ['none', text]),
    ];
    for (const [intent = '', text = ''] of labelled) {
      const key = toCommandWords(text).join(' ');
      const previous = owner.get(key);
      if (previous !== undefined && previous !== intent)
        clashes.push(`${text}: ${previous}/${intent}`);
      owner.set(key, intent);
    }
    expect(clashes).toEqual([]);
  });
});
