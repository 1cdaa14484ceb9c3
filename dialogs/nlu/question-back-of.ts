import { toCommandWords } from './to-command-words.js';

/**
 * A question back to the bot: « pourquoi ? » (why is this asked) or « ça veut dire quoi … ? »
 * (what does it mean), with the words it is about (« les codes du monde du travail »).
 */
export interface QuestionBack {
  kind: 'why' | 'what';
  /** The words left once the asking words are taken out, to find what it is about. */
  about: string;
}

/**
 * Whether a typed text asks the bot something back instead of answering: such a text is
 * never an answer nor a consent. « pourquoi pas » is no question; nor is a sentence that
 * only starts like one (« what we need is more buses »).
 *
 * @example questionBackOf('pourquoi ?') // { kind: 'why', about: '' }
 * @example questionBackOf('ça veut dire quoi les codes du monde du travail ?') // { kind: 'what', about: 'codes monde travail' }
 * @example questionBackOf('pourquoi pas') // undefined
 */
export function questionBackOf(text: string): QuestionBack | undefined {
  // A number, an emoji, a long sentence: no question back (and no need to read further).
  if (!/\p{L}/u.test(text) || text.length > maxLength || !askingStem.test(text)) return undefined;
  const asked = /[?¿]/.test(text);
  const all = toCommandWords(text);
  let start = 0;
  while (start < all.length && leading.has(all[start] ?? '')) start++;
  // « hein ? » alone asks back; « hein » before a question only pads it.
  const words = start < all.length ? all.slice(start) : all;
  if (words.length === 0 || words.length > maxWords) return undefined;
  if (words.length === 1 && alone.has(words[0] ?? ''))
    return { kind: alone.get(words[0] ?? '') ?? 'what', about: '' };
  for (const marker of markers) {
    const at = indexOf(words, marker.words);
    if (at < 0) continue;
    const after = words[at + marker.words.length];
    // « pourquoi pas », « why not »: a hesitant yes, or a proposal, not a question.
    if (marker.kind === 'why' && (after === 'pas' || after === 'not')) continue;
    if (!asked && at > 0) continue;
    if (marker.short && !asked && words.length > 5) continue;
    const rest = [...words.slice(0, at), ...words.slice(at + marker.words.length)];
    return { kind: marker.kind, about: rest.filter((word) => !glue.has(word)).join(' ') };
  }
  return undefined;
}

const maxWords = 14;
const maxLength = 160;

/** Every marker below holds one of these: texts without any are read no further. */
const askingStem =
  /pour|pk|pq|quoi|koi|qu|quel|veut|vx|sign|sert|hein|comment|kes|kez|why|wh|wat|wot|mean|how|huh/i;

/**
 * Whether a question back stays one inside a free-text answer: about the bot or the question
 * itself (« pourquoi cette question ? »), not a sentence of its own (« pourquoi rien pour les
 * jeunes ? » answers « qu'est-ce qui manque ? »).
 */
export function isAboutTheBot(back: QuestionBack): boolean {
  const own = back.about.split(' ').filter((word) => word !== '' && !metaWords.has(word));
  return own.length <= 1;
}

const metaWords = new Set(
  [
    ...['question', 'questions', 'truc', 'machin', 'but', 'bot', 'robot', 'questionnaire', 'ca'],
    ...['consultation', 'sert', 'faire', 'demander', 'demandez', 'me', 'moi', 'cela', 'tout'],
    ...['thing', 'point', 'for', 'asking', 'ask', 'me', 'all', 'about', 'bot', 'survey', 'why'],
  ].flatMap((word) => toCommandWords(word)),
);

function indexOf(words: readonly string[], phrase: readonly string[]): number {
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return start;
  }
  return -1;
}

interface Marker {
  kind: 'why' | 'what';
  words: readonly string[];
  /** Starts ordinary sentences too ("what is needed…"): a question only with "?" or short. */
  short?: boolean;
}

const marker = (kind: 'why' | 'what', phrase: string, short = false): Marker => ({
  kind,
  words: toCommandWords(phrase),
  short,
});

/** Longest first, so « qu'est-ce que ça veut dire » wins over « qu'est-ce que ». */
const markers: readonly Marker[] = [
  ...[
    "qu'est-ce que ça veut dire",
    "qu'est ce que c'est",
    'ça veut dire quoi',
    'sa veut dire quoi',
    'ça veut dire',
    'sa veut dire',
    'veut dire quoi',
    'que veut dire',
    'ça signifie',
    'signifie quoi',
    "c'est-à-dire",
    "c'est quoi",
    'cest quoi',
    'c quoi',
    'comment ça',
    'ça sert à quoi',
    'what does that mean',
    'what does it mean',
    'what do you mean',
    'what does',
    'what is meant',
    'meaning of',
  ].map((phrase) => marker('what', phrase)),
  ...['what is', 'what s', 'what are', "qu'est-ce que", 'quel est', 'quelle est'].map((phrase) =>
    marker('what', phrase, true),
  ),
  ...[
    'pourquoi',
    'pour quelle raison',
    'pour quoi faire',
    "c'est pour quoi",
    'à quoi ça sert',
    'à quoi sert',
    'sert à quoi',
    'why',
    'how come',
    'what for',
    'what s the point',
    'what is the point',
  ].map((phrase) => marker('why', phrase)),
].sort((a, b) => b.words.length - a.words.length);

/** A word that, alone, asks back: « quoi ? », « hein ? », « what? ». */
const alone = new Map<string, 'why' | 'what'>(
  [
    ['quoi', 'what'],
    ['hein', 'what'],
    ['comment', 'what'],
    ['kesako', 'what'],
    ['kezako', 'what'],
    ['what', 'what'],
    ['huh', 'what'],
    ['pourquoi', 'why'],
    ['why', 'why'],
  ].flatMap(([word = '', kind]) =>
    toCommandWords(word).map((w): [string, 'why' | 'what'] => [w, kind === 'why' ? 'why' : 'what']),
  ),
);

/** Said before a question back without changing it: « oui mais pourquoi ? », « euh c'est quoi ». */
const leading = new Set(
  ['oui', 'ok', 'mais', 'et', 'euh', 'bah', 'ben', 'bonjour', 'salut', 'alors', 'hein', 'ah']
    .concat(['yes', 'but', 'and', 'um', 'uh', 'hi', 'hello', 'sorry', 'so', 'well', 'ok', 'oh'])
    .flatMap((word) => toCommandWords(word)),
);

/** Words left out of what a question is about. */
const glue = new Set(
  [
    ...['le', 'la', 'les', 'l', 'un', 'une', 'des', 'de', 'du', 'd', 'ce', 'cet', 'cette', 'ca'],
    ...['c', 'est', 'que', 'qu', 'quoi', 'a', 'au', 'aux', 'en', 'et', 'ici', 'la', 'svp', 'vous'],
    ...['the', 'a', 'an', 'this', 'that', 'it', 'is', 'of', 'here', 'by', 'you', 'mean', 'do'],
  ].flatMap((word) => toCommandWords(word)),
);
