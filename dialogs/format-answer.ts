import type { AnswerValue } from './answer-value.js';
import { choiceCandidates } from './choice-candidates.js';
import { OTHER } from './parse-answer.js';
import type { Question } from './questionnaire-schema.js';
import type { Lang } from './session-state.js';
import { translator, type Catalog } from './translate.js';

/** An answer as the person would say it: "Les transports, Autre (la cantine)". */
export function formatAnswer(
  question: Question,
  value: AnswerValue,
  catalog: Catalog,
  lang: Lang,
): string {
  const t = translator(catalog, lang);
  const label = labelOf(question, catalog, lang);
  switch (value.kind) {
    case 'choice':
      return label(value.choiceId, value.other);
    case 'choices':
      return value.choiceIds.map((id) => label(id, value.other)).join(', ');
    case 'ranking':
      return value.choiceIds
        .map((id, index) => `${rankOf(index + 1, t)} ${label(id, value.other)}`)
        .join(' ; ');
    case 'scale':
      return `${value.value}/5 – ${label(String(value.value), undefined)}`;
    case 'yesno':
      return t(value.value ? 'choice.yes' : 'choice.no');
    case 'text':
      return t('answer.text', { text: value.text });
    case 'skipped':
      return t('review.skipped');
  }
}

/** Choices by id, as a list: "Les transports, Le sport" (a scale point as "4/5 – Urgent"). */
export function formatChoices(
  question: Question,
  ids: readonly string[],
  catalog: Catalog,
  lang: Lang,
): string {
  const label = labelOf(question, catalog, lang);
  return ids
    .map((id) =>
      question.type === 'scale' && /^\d$/.test(id)
        ? `${id}/5 – ${label(id, undefined)}`
        : label(id, undefined),
    )
    .join(', ');
}

/** "1er", "2e" / "1st", "2nd": a place in a ranking, kept apart from the numbers of the list. */
export function rankOf(place: number, t: ReturnType<typeof translator>): string {
  const specific = t(`rank.${place}`);
  return specific === `rank.${place}` ? t('rank.n', { n: place }) : specific;
}

function labelOf(question: Question, catalog: Catalog, lang: Lang) {
  const candidates = choiceCandidates(question, catalog, lang);
  let labels = labelMaps.get(candidates);
  if (!labels) {
    labels = new Map(candidates.map((c) => [c.id, c.label]));
    labelMaps.set(candidates, labels);
  }
  const known = labels;
  return (id: string, other: string | undefined): string =>
    id === OTHER && other ? `${known.get(id) ?? id} (${other})` : (known.get(id) ?? id);
}

/** Candidates are built once per question and language: so are their labels by id. */
const labelMaps = new WeakMap<readonly unknown[], ReadonlyMap<string, string>>();
