import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { Lang } from '../../dialogs/session-state.js';
import { SKIPPED, codeLabel, type CodebookQuestion } from './codebook.js';

/** One row of the long answers export: a code (with its label and rank) or a free text. */
export interface AnswerCell {
  code?: string;
  label?: string;
  /** 1 for the first choice of a ranking. */
  rank?: number;
  /** A text answer, or what followed « Autre » (on the `other` row). */
  text?: string;
}

/**
 * An answer as rows of the long export: one per choice picked (ranked for a ranking), one for
 * a scale point, yes/no, a free text or a skip. Every code is one of the codebook's.
 *
 * @example answerCells({ kind: 'choices', choiceIds: ['devoirs', 'other'], other: 'cantine' }, q, 'fr')
 *   // [{ code: 'devoirs', label: 'Aide aux devoirs' }, { code: 'other', label: 'Autre', text: 'cantine' }]
 */
export function answerCells(
  value: AnswerValue,
  question: CodebookQuestion | undefined,
  lang: Lang,
): AnswerCell[] {
  const coded = (code: string, extra: Omit<AnswerCell, 'code' | 'label'> = {}): AnswerCell => ({
    code,
    label: codeLabel(question, code, lang),
    ...extra,
  });
  const withOther = (code: string, other: string | undefined) =>
    code === 'other' && other !== undefined ? { text: other } : {};
  switch (value.kind) {
    case 'choice':
      return [coded(value.choiceId, withOther(value.choiceId, value.other))];
    case 'choices':
      return value.choiceIds.map((id) => coded(id, withOther(id, value.other)));
    case 'ranking':
      return value.choiceIds.map((id, index) =>
        coded(id, { rank: index + 1, ...withOther(id, value.other) }),
      );
    case 'scale':
      return [coded(String(value.value))];
    case 'yesno':
      return [coded(value.value ? 'yes' : 'no')];
    case 'text':
      return [{ text: value.text }];
    case 'skipped':
      return [coded(SKIPPED)];
  }
}

/**
 * The cell of the wide export for one answer: the long export's rows in one text, labels
 * separated by « | », a rank as « 1. », free text after « : » (or alone for a text answer).
 *
 * @example wideCell([{ code: 'a', label: 'A', rank: 1 }, { code: 'other', label: 'Autre', rank: 2, text: 'x' }]) // '1. A | 2. Autre : x'
 */
export function wideCell(cells: readonly AnswerCell[]): string {
  return cells
    .map((cell) => {
      const rank = cell.rank === undefined ? '' : `${cell.rank}. `;
      const parts = [cell.label, cell.text].filter((p): p is string => p !== undefined);
      return `${rank}${parts.join(' : ')}`;
    })
    .join(' | ');
}
