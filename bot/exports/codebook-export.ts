import type { ExportContext } from './export-context.js';
import type { ExportRequest } from './export-request.js';
import type { Cell, ExportTable } from './export-table.js';
import { selectedQuestions } from './answers-long-export.js';

export const codebookColumns = [
  'questionnaire_version',
  'position',
  'theme',
  'theme_title_fr',
  'theme_title_en',
  'question',
  'type',
  'required',
  'condition',
  'limits',
  'free_text',
  'question_text_fr',
  'question_text_en',
  'code',
  'label_fr',
  'label_en',
] as const;

/**
 * `codebook`: one row per question and code (a text question has one row without a code), so
 * that every code of every export can be looked up with its labels in French and English.
 * A condition reads `par_parent in yes`: asked only when that answer is one of those codes.
 */
export async function codebookExport(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  const questions = selectedQuestions(context, request);
  const version = context.codebook.questionnaireVersion;
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for (const q of questions) {
      const common = [
        version,
        q.position,
        q.themeId,
        q.themeTitle.fr,
        q.themeTitle.en,
        q.questionId,
        q.type,
        q.required ? 'yes' : 'no',
        q.condition ? `${q.condition.questionId} in ${q.condition.anyOf.join(' ')}` : undefined,
        q.limits,
        q.freeText ? 'yes' : 'no',
        q.text.fr,
        q.text.en,
      ];
      if (q.codes.length === 0) yield [...common, undefined, undefined, undefined];
      for (const code of q.codes) yield [...common, code.code, code.label.fr, code.label.en];
    }
  }
  return { name: 'codebook', columns: codebookColumns, rows: rows() };
}
