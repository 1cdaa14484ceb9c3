import {
  answerBatchIds,
  type ExportAnswer,
  type ExportSource,
} from '../../storage/export-source.js';
import type { CodebookQuestion } from './codebook.js';
import type { ExportContext } from './export-context.js';
import type { ExportFilters, ExportRequest } from './export-request.js';
import { readAhead } from './read-ahead.js';
import { selectParticipants, type ExportParticipant } from './select-participants.js';

/** What an answers export reads: who it covers, and their answers the filters keep. */
export interface SelectedAnswers {
  participants: readonly ExportParticipant[];
  answered: AsyncIterable<{
    participant: ExportParticipant;
    answers: ReadonlyMap<string, ExportAnswer>;
  }>;
}

/**
 * The participants an answers export covers (the date range applies to answers, not to them),
 * then each one's answers to `questions`, less those outside the date range or channels.
 */
export async function selectAnswers(
  context: ExportContext,
  request: Pick<ExportRequest, 'filters'>,
  questions: readonly CodebookQuestion[],
): Promise<SelectedAnswers> {
  const { filters } = request;
  const { participants } = await selectParticipants(
    context.source,
    context.consultation.id,
    context.secret,
    filters,
    { dateRange: 'none' },
  );
  async function* answered(): SelectedAnswers['answered'] {
    for await (const { participant, answers } of answersByParticipant(
      context.source,
      participants,
      questions,
    ))
      yield { participant, answers: keptAnswers(answers, filters) };
  }
  return { participants, answered: answered() };
}

/** The answers given within the date range, through the channels asked for. */
function keptAnswers(
  answers: ReadonlyMap<string, ExportAnswer>,
  filters: ExportFilters,
): ReadonlyMap<string, ExportAnswer> {
  const { since, until, channels } = filters;
  if (!since && !until && !channels) return answers;
  const kept = new Map<string, ExportAnswer>();
  for (const [questionId, answer] of answers) {
    if (since && answer.updatedAt < since) continue;
    if (until && answer.updatedAt >= until) continue;
    if (channels && !(answer.channel && channels.includes(answer.channel))) continue;
    kept.set(questionId, answer);
  }
  return kept;
}

/**
 * The answers of each participant, in the participants' order: looked up by `_id`
 * ("<participantId>:<questionId>") for as many participants at a time as one lookup allows,
 * so the server neither scans nor sorts, and the next batch is read while this one is written.
 */
export async function* answersByParticipant(
  source: ExportSource,
  participants: readonly ExportParticipant[],
  questions: readonly CodebookQuestion[],
): AsyncGenerator<{ participant: ExportParticipant; answers: ReadonlyMap<string, ExportAnswer> }> {
  if (questions.length === 0) return;
  const perBatch = Math.max(1, Math.floor(answerBatchIds / questions.length));
  const batches: (readonly ExportParticipant[])[] = [];
  for (let start = 0; start < participants.length; start += perBatch)
    batches.push(participants.slice(start, start + perBatch));
  const lookUp = async (batch: readonly ExportParticipant[]) => {
    const ids = batch.flatMap((p) => questions.map((q) => `${p.participantId}:${q.questionId}`));
    const found = new Map<string, Map<string, ExportAnswer>>();
    for await (const answer of source.answers(ids)) {
      let of = found.get(answer.participantId);
      if (!of) found.set(answer.participantId, (of = new Map()));
      of.set(answer.questionId, answer);
    }
    return found;
  };
  for await (const [batch, found] of readAhead(batches, lookUp))
    for (const participant of batch)
      yield { participant, answers: found.get(participant.participantId) ?? new Map() };
}
