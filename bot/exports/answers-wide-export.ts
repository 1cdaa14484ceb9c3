import { answerCells, wideCell } from './answer-cells.js';
import { selectAnswers } from './answers-by-participant.js';
import { selectedQuestions } from './answers-long-export.js';
import type { ExportContext } from './export-context.js';
import type { ExportRequest } from './export-request.js';
import type { Cell, ExportTable } from './export-table.js';
import { maskPersonalData } from './mask-personal-data.js';

export const answersWideColumns = [
  'participant',
  'council',
  'council_name',
  'department',
  'language',
  'channels',
  'status',
] as const;

/**
 * `answers --wide`: one row per participant, one column per question (its id; the codebook
 * has its text; the role is the `role` question's column), each cell the labels of the answer as in the long export (see wideCell).
 * The same filters as the long export keep the same answers.
 */
export async function answersWideExport(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  const { filters, labels: lang, raw } = request;
  const questions = selectedQuestions(context, request);
  const { participants, answered } = await selectAnswers(context, request, questions);
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for await (const { participant, answers } of answered) {
      const p = participant.summary;
      const cells = questions.map((question) => {
        const answer = answers.get(question.questionId);
        if (!answer) return undefined;
        const parts = answerCells(answer.value, question, lang).map((cell) =>
          cell.text === undefined || raw
            ? cell
            : { ...cell, text: maskPersonalData(cell.text, lang) },
        );
        return wideCell(parts);
      });
      // Someone the filters leave no answer to is not a row of this export.
      if (
        cells.every((c) => c === undefined) &&
        (filters.since || filters.until || filters.channels)
      )
        continue;
      yield [
        participant.pseudonym,
        p.councilId,
        participant.council?.name,
        participant.council?.department,
        p.lang,
        participant.channels,
        p.status,
        ...cells,
      ];
    }
  }
  return {
    name: 'answers-wide',
    columns: [...answersWideColumns, ...questions.map((q) => q.questionId)],
    rows: rows(),
    expectedRows: participants.length,
  };
}
