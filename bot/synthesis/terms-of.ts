import { StemmerEn, StopwordsEn } from '@nlpjs/lang-en';
import { StemmerFr, StopwordsFr } from '@nlpjs/lang-fr';
import type { Lang } from '../../dialogs/session-state.js';

/** One meaningful word of a text: its stem (what is compared) and the word as written. */
export interface Term {
  stem: string;
  word: string;
}

/**
 * The meaningful words of a free-text answer, stemmed in its language with NLP.js's
 * Snowball stemmers, compared without accents (« soirée », « soiree », « soirs » all give
 * « soir »); NLP.js's stop words and a few of ours are left out, as are numbers and
 * one-letter pieces (« l' », « d' »).
 *
 * @example termsOf('Plus de bus le soir', 'fr') // [{ stem: 'bus', word: 'bus' }, { stem: 'soir', word: 'soir' }]
 */
export function termsOf(text: string, lang: Lang): Term[] {
  const { stemmer, stopwords } = languages[lang];
  const terms: Term[] = [];
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || /^\p{N}+$/u.test(word)) continue;
    const plain = withoutAccents(word);
    if (stopwords.has(plain)) continue;
    // Snowball's French rules read the accents (« soirée » → soir); restore the usual ones
    // of words typed without them on a phone (« soiree », « activites »).
    const stem = withoutAccents(
      stemmer.stemWord(lang === 'fr' && plain === word ? accented(word) : word),
    );
    if (stem.length < 2 || stopwords.has(stem)) continue;
    terms.push({ stem, word });
  }
  return terms;
}

/** « soiree » → « soirée », « activites » → « activités »: the endings Snowball needs. */
function accented(word: string): string {
  return word.replace(/ite(s?)$/, 'ité$1').replace(/ee(s?)$/, 'ée$1');
}

function withoutAccents(word: string): string {
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

// Words that carry no idea in answers to « qu'est-ce qui aide déjà… ? » but that NLP.js's
// lists keep: « il faudrait plus de… », « ya pas », « please », « thanks ».
const extraStopwords = {
  fr: 'plus moins faut faudrait falloir ya tres trop peu bien beaucoup tout tous toute toutes rien chose choses aussi comme etc svp merci jusqu quand donc alors encore deja ca cela ceci cet cette celui celle sont est sera serait etre avoir faire fait font peut peuvent pouvoir mettre oui non ici sais sait savoir quelque quelques autre autres chez entre sans sous vers',
  en: 'more less need needs would could should please thanks thank lot lots really get make also yes no here some other others know',
};

const languages: Record<
  Lang,
  { stemmer: { stemWord(word: string): string }; stopwords: Set<string> }
> = {
  fr: {
    stemmer: new StemmerFr(),
    stopwords: stopwordSet(Object.keys(new StopwordsFr().dictionary), extraStopwords.fr),
  },
  en: {
    stemmer: new StemmerEn(),
    stopwords: stopwordSet(Object.keys(new StopwordsEn().dictionary), extraStopwords.en),
  },
};

function stopwordSet(listed: readonly string[], extra: string): Set<string> {
  return new Set([...listed, ...extra.split(' ')].map(withoutAccents));
}
