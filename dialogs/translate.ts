import type { Lang } from './nlu/intent-name.js';

/** Every string of one language, flat: `{ "help.title": "Aide" }`. */
export type Messages = Readonly<Record<string, string>>;
export type Catalog = Readonly<Record<Lang, Messages>>;

export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/**
 * Looks a key up in the person's language, then in French (the reference), and fills
 * `{name}` placeholders. A missing key is a programming error, caught by the locale tests,
 * so it shows the key rather than crashing a conversation.
 *
 * @example translator(catalog, 'en')('progress', { theme: 2, themes: 6 })
 */
export function translator(catalog: Catalog, lang: Lang): Translate {
  const cached = translators.get(catalog)?.[lang];
  if (cached) return cached;
  const translate = makeTranslator(catalog, lang);
  translators.set(catalog, { ...translators.get(catalog), [lang]: translate });
  return translate;
}

const translators = new WeakMap<Catalog, Partial<Record<Lang, Translate>>>();

function makeTranslator(catalog: Catalog, lang: Lang): Translate {
  return (key, params) => {
    const template = catalog[lang][key] ?? catalog.fr[key] ?? key;
    if (!params || !template.includes('{')) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
  };
}

/** The " | "-separated alternatives of a synonyms key, in one language. */
export function synonymsOf(messages: Messages, key: string | undefined): readonly string[] {
  if (!key) return [];
  const list = messages[key];
  if (!list) return [];
  const cached = synonymLists.get(list);
  if (cached) return cached;
  const split = list
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  synonymLists.set(list, split);
  return split;
}

/** Locale strings are few and fixed: split each synonym list once. */
const synonymLists = new Map<string, readonly string[]>();
