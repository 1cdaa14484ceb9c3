/**
 * Lowercase, no accents, no punctuation or emoji, single spaces: the form in which typed text
 * is compared with labels, synonyms and training utterances.
 *
 * @example normalizeText("  L'Éducation, SVP ! 🙏 ") // "l education svp"
 */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[œæß]/g, expandLigature)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const ligatures: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss' };

function expandLigature(letter: string): string {
  return ligatures[letter] ?? letter;
}
