import {
  answerBatchIds,
  type ExportAnswer,
  type ExportSource,
} from '../../storage/export-source.js';
import type { CodebookQuestion } from './codebook.js';
import type { ExportParticipant } from './select-participants.js';

/**
 * The answers of each participant, in the participants' order: looked up by `_id`
 * ("<participantId>:<questionId>") for as many participants at a time as one lookup allows,
 * so the server neither scans nor sorts, and only one batch is in memory at a time.
 */
export async function* answersByParticipant(
  source: ExportSource,
  participants: readonly ExportParticipant[],
  questions: readonly CodebookQuestion[],
): AsyncGenerator<{ participant: ExportParticipant; answers: ReadonlyMap<string, ExportAnswer> }> {
  if (questions.length === 0) return;
  const perBatch = Math.max(1, Math.floor(answerBatchIds / questions.length));
  for (let start = 0; start < participants.length; start += perBatch) {
    const batch = participants.slice(start, start + perBatch);
    const ids = batch.flatMap((p) => questions.map((q) => `${p.participantId}:${q.questionId}`));
    const found = new Map<string, Map<string, ExportAnswer>>();
    for await (const answer of source.answers(ids)) {
      let of = found.get(answer.participantId);
      if (!of) found.set(answer.participantId, (of = new Map()));
      of.set(answer.questionId, answer);
    }
    for (const participant of batch)
      yield { participant, answers: found.get(participant.participantId) ?? new Map() };
  }
}
