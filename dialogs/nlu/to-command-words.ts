import { normalizeUtterance } from './normalize-utterance.js';

/**
 * The words the intent recogniser compares: normalizeUtterance's, without the "please" and
 * "thanks" that can end any request ("non merci" is "non").
 *
 * @example toCommandWords("Effacez mes réponses s'il vous plaît !") // ["efacez", "mes", "reponses"]
 */
export function toCommandWords(text: string): string[] {
  const words = normalizeUtterance(text)
    .replace(/\bs il (vous|te) plait\b/g, 'svp')
    .replace(/\bthank (you|u)\b/g, 'thanks')
    .split(' ')
    .filter((word) => word !== '');
  const kept = words.filter((word) => !courtesy.has(word));
  return kept.length > 0 ? kept : words;
}

const courtesy = new Set(['svp', 'stp', 'merci', 'please', 'pls', 'plz', 'thanks', 'thx']);
