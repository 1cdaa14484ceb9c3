import { normalizeText } from './nlu/normalize-text.js';
import type { Lang } from './session-state.js';
import { synonymsOf, type Catalog } from './translate.js';

/** What a volunteer may say of themselves for the workshop's balance (nothing else is kept). */
export const workshopGenders = ['woman', 'man', 'other'] as const;
export type WorkshopGender = (typeof workshopGenders)[number];

/** The « Je préfère ne pas le dire » button: nothing is kept. */
export const GENDER_UNSAID = 'unsaid';

export type GenderReply = WorkshopGender | typeof GENDER_UNSAID;

const replies: readonly GenderReply[] = [...workshopGenders, GENDER_UNSAID];

/**
 * A typed reply to the gender question, only when it is a clear match: the whole message is a
 * label or one of its phrases (`workshop.gender.<id>` and `.syn`, either language), case,
 * accents and punctuation aside. A question mark, a word more or a typo is no answer: the
 * question is asked again (« femme ? », « plutôt homme », « je sais pas » give nothing).
 *
 * @example readWorkshopGender('Une femme.', catalog, 'fr') // 'woman'
 * @example readWorkshopGender('femme ?', catalog, 'fr') // undefined
 */
export function readWorkshopGender(
  text: string,
  catalog: Catalog,
  lang: Lang,
): GenderReply | undefined {
  if (text.includes('?') || text.includes('¿')) return undefined;
  const typed = normalizeText(text);
  if (typed === '') return undefined;
  const langs: Lang[] = lang === 'fr' ? ['fr', 'en'] : ['en', 'fr'];
  for (const reply of replies)
    for (const l of langs) {
      const messages = catalog[l];
      const phrases = [
        messages[`workshop.gender.${reply}`] ?? '',
        ...synonymsOf(messages, `workshop.gender.${reply}.syn`),
      ];
      if (phrases.some((phrase) => phrase !== '' && normalizeText(phrase) === typed)) return reply;
    }
  return undefined;
}

/** A button's id as a reply, if it is one of the gender question's. */
export function genderReplyOf(choiceId: string): GenderReply | undefined {
  return replies.find((reply) => reply === choiceId);
}
