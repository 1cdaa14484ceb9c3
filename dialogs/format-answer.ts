import type { AnswerValue } from './answer-value.js';
import { choiceCandidates } from './choice-candidates.js';
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
  const labels = new Map(choiceCandidates(question, catalog, lang).map((c) => [c.id, c.label]));
  const label = (id: string, other: string | undefined) =>
    id === 'other' && other ? `${labels.get(id) ?? id} (${other})` : (labels.get(id) ?? id);
  switch (value.kind) {
    case 'choice':
      return label(value.choiceId, value.other);
    case 'choices':
      return value.choiceIds.map((id) => label(id, value.other)).join(', ');
    case 'ranking':
      return value.choiceIds
        .map((id, index) => `${index + 1}. ${label(id, value.other)}`)
        .join(' ; ');
    case 'scale':
      return `${value.value}/5 – ${labels.get(String(value.value)) ?? ''}`;
    case 'yesno':
      return t(value.value ? 'choice.yes' : 'choice.no');
    case 'text':
      return `« ${value.text} »`;
    case 'skipped':
      return t('review.skipped');
  }
}
