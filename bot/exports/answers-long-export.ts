import type { CodebookQuestion } from './codebook.js';
import { answerCells } from './answer-cells.js';
import type { ExportContext } from './export-context.js';
import type { ExportRequest } from './export-request.js';
import type { Cell, ExportTable } from './export-table.js';
import { formatMinute } from './format-minute.js';
import { maskPersonalData } from './mask-personal-data.js';
import { selectAnswers } from './answers-by-participant.js';

export const answersLongColumns = [
  'participant',
  'council',
  'council_name',
  'department',
  'role',
  'theme',
  'question',
  'question_text',
  'code',
  'label',
  'rank',
  'text',
  'language',
  'channel',
  'questionnaire_version',
  'answered_at',
  'status',
] as const;

/**
 * `answers`: one row per answer (one per choice picked, ranked for a ranking), grouped by
 * participant in the codebook's question order. `answered_at` is when the current value was
 * given, to the minute, in the consultation's time zone.
 */
export async function answersLongExport(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  const { labels: lang, raw } = request;
  const questions = selectedQuestions(context, request);
  const timeZone = context.consultation.timeZone;
  const { participants, answered } = await selectAnswers(context, request, questions);
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for await (const { participant, answers } of answered) {
      const p = participant.summary;
      for (const question of questions) {
        const answer = answers.get(question.questionId);
        if (!answer) continue;
        for (const cell of answerCells(answer.value, question, lang)) {
          yield [
            participant.pseudonym,
            p.councilId,
            participant.council?.name,
            participant.council?.department,
            p.role,
            question.themeId,
            question.questionId,
            question.text[lang],
            cell.code,
            cell.label,
            cell.rank,
            cell.text === undefined
              ? undefined
              : raw
                ? cell.text
                : maskPersonalData(cell.text, lang),
            p.lang,
            answer.channel,
            answer.questionnaireVersion,
            formatMinute(answer.updatedAt, timeZone),
            p.status,
          ];
        }
      }
    }
  }
  return {
    name: 'answers',
    columns: answersLongColumns,
    rows: rows(),
    expectedRows: participants.reduce((sum, p) => sum + p.summary.progress.answered, 0),
  };
}

/** The codebook's questions, of the selected themes only when some are named. */
export function selectedQuestions(
  context: ExportContext,
  request: Pick<ExportRequest, 'filters'>,
): CodebookQuestion[] {
  const { themes } = request.filters;
  return context.codebook.questions.filter((q) => !themes || themes.includes(q.themeId));
}
