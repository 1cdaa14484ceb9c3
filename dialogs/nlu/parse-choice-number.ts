/**
 * The 1-based position a normalized word names, "last" for "dernier"/"last", or undefined:
 * "2", "n2", "no2", "2e", "2eme", "2nd", "deux", "two", "deuxieme", "second"…
 * "un", "une", "one" are left out: they are articles more often than numbers.
 */
export function parseChoiceNumber(word: string): number | 'last' | undefined {
  const digits = /^(?:n|no|num)?(\d{1,3})(?:er|ere|e|eme|st|nd|rd|th)?$/.exec(word);
  if (digits?.[1] !== undefined) return Number(digits[1]);
  if (word === 'dernier' || word === 'derniere' || word === 'last') return 'last';
  return numberWords.get(word);
}

const numberWords = new Map<string, number>(
  [
    ['premier', 'premiere', 'first'],
    ['deux', 'deuxieme', 'second', 'seconde', 'two'],
    ['trois', 'troisieme', 'three', 'third'],
    ['quatre', 'quatrieme', 'four', 'fourth'],
    ['cinq', 'cinquieme', 'five', 'fifth'],
    ['six', 'sixieme', 'sixth'],
    ['sept', 'septieme', 'seven', 'seventh'],
    ['huit', 'huitieme', 'eight', 'eighth'],
    ['neuf', 'neuvieme', 'nine', 'ninth'],
    ['dix', 'dixieme', 'ten', 'tenth'],
  ].flatMap((words, index) => words.map((word): [string, number] => [word, index + 1])),
);
