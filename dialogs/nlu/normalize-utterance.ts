import { normalizeText } from './normalize-text.js';

/**
 * normalizeText, then the spelling noise of quick typing removed: "+" read as "plus" ("a+"),
 * and every run of a repeated letter collapsed ("ouiiii" → "oui", "suprimer" = "supprimer").
 * Training utterances go through it too, so "appeler" and "apeler" meet on "apeler".
 */
export function normalizeUtterance(text: string): string {
  return normalizeText(text.replace(/\+/g, ' plus ')).replace(/(\p{L})\1+/gu, '$1');
}
