import { OTHER } from './parse-answer.js';
import type { ChoiceCandidate } from './nlu/match-choice.js';
import type { Question } from './questionnaire-schema.js';
import type { Lang } from './session-state.js';
import { synonymsOf, type Catalog } from './translate.js';

/** The choices of a question as buttons and as targets for typed answers, "Autre" last. */
export function choiceCandidates(
  question: Question,
  catalog: Catalog,
  lang: Lang,
): readonly ChoiceCandidate[] {
  const key = `${lang}:${question.id}`;
  let perCatalog = cache.get(catalog);
  if (!perCatalog) {
    perCatalog = new Map();
    cache.set(catalog, perCatalog);
  }
  const known = perCatalog.get(key);
  if (known && cachedFor.get(known) === question) return known;
  const built = buildCandidates(question, catalog, lang);
  perCatalog.set(key, built);
  cachedFor.set(built, question);
  return built;
}

/** Candidates depend only on the question and the strings: built once per language. */
const cache = new WeakMap<Catalog, Map<string, readonly ChoiceCandidate[]>>();
const cachedFor = new WeakMap<readonly ChoiceCandidate[], Question>();

function buildCandidates(question: Question, catalog: Catalog, lang: Lang): ChoiceCandidate[] {
  const messages = catalog[lang];
  const label = (key: string) => messages[key] ?? catalog.fr[key] ?? key;
  switch (question.type) {
    case 'text':
      return [];
    case 'yesno':
      return [
        { id: 'yes', label: label('choice.yes'), synonyms: synonymsOf(messages, 'choice.yes.syn') },
        { id: 'no', label: label('choice.no'), synonyms: synonymsOf(messages, 'choice.no.syn') },
      ];
    case 'scale':
      return question.labels.map((key, index) => ({ id: String(index + 1), label: label(key) }));
    case 'single':
    case 'multiple':
    case 'ranking': {
      const choices = question.choices.map((choice) => ({
        id: choice.id,
        label: label(choice.label),
        synonyms: [
          ...synonymsOf(messages, choice.synonyms),
          ...synonymsOf(catalog.fr, choice.synonyms),
        ],
      }));
      if (!question.other) return choices;
      return [
        ...choices,
        {
          id: OTHER,
          label: label('choice.other'),
          synonyms: synonymsOf(messages, 'choice.other.syn'),
        },
      ];
    }
  }
}
