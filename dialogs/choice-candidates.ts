import { OTHER } from './parse-answer.js';
import type { ChoiceCandidate } from './nlu/match-choice.js';
import { NO_OPINION, type Question } from './questionnaire-schema.js';
import type { Lang } from './session-state.js';
import { synonymsOf, type Catalog } from './translate.js';

/**
 * The choices of a question as buttons and as targets for typed answers: its own, then
 * "Autre", then « Sans avis » (never named by a number).
 */
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
  const own = ownCandidates(question, catalog, lang);
  if (question.type === 'text' || question.type === 'yesno' || !question.noOpinion) return own;
  const messages = catalog[lang];
  return [
    ...own,
    {
      id: NO_OPINION,
      label: messages['choice.no_opinion'] ?? 'Sans avis',
      synonyms: synonymsOf(messages, 'choice.no_opinion.syn'),
      guesses: synonymsOf(messages, 'choice.no_opinion.guess'),
      unnumbered: true,
    },
  ];
}

function ownCandidates(question: Question, catalog: Catalog, lang: Lang): ChoiceCandidate[] {
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
      // « bof », « pas trop », « carrément »: words for a point of any 1–5 scale, to confirm.
      return question.labels.map((key, index) => ({
        id: String(index + 1),
        label: label(key),
        guesses: synonymsOf(messages, `scale.guess.${index + 1}`),
      }));
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
