import { normalizeText } from '../../dialogs/nlu/normalize-text.js';

/** Abbreviations residents type for the words of place names. */
const abbreviations: Readonly<Record<string, string>> = {
  st: 'saint',
  ste: 'sainte',
  sts: 'saints',
  stes: 'saintes',
  mt: 'mont',
  s: 'sur', // « Épinay s/ Seine »
};

/**
 * Words that say nothing about which place is meant: articles and prepositions of place names,
 * and what people put around a name (« j'habite à Roubaix », « quartier des Provinces »).
 * They still count when the whole name is compared.
 */
export const fillerWords: ReadonlySet<string> = new Set(
  (
    'a au aux d de des du en et l la le les sur sous ' +
    'j je suis habite vis dans mon ma c est ville commune quartier quartiers cite cites residence'
  ).split(' '),
);

/**
 * A place name or a query as comparable words: lower case, no accents, hyphens and
 * apostrophes as spaces, abbreviations spelled out.
 *
 * @example placeWords("St-Denis") // ["saint", "denis"]
 */
export function placeWords(text: string): string[] {
  const words = normalizeText(text).split(' ');
  return words.filter((word) => word !== '').map((word) => abbreviations[word] ?? word);
}

/** The words that name the place, without the filler. */
export function contentWords(words: readonly string[]): string[] {
  return words.filter((word) => !fillerWords.has(word));
}
