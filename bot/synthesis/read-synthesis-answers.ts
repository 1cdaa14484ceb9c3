import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { answerDocSchema } from '../../storage/documents.js';
import { parseStored } from '../../storage/storage-error.js';
import { compare } from './cluster-proposals.js';
import type { SynthesisAnswer } from './summarize-consultation.js';

const synthesisAnswerSchema = answerDocSchema.pick({
  participantId: true,
  questionId: true,
  value: true,
  updatedAt: true,
});

/**
 * The current answers of a consultation, grouped by participant (sorted by participant, then
 * question), as the synthesis reads them. Read unsorted and grouped here rather than through
 * `storage.answers.stream`, whose sort FerretDB v1 does in memory before sending the first
 * document: for a national consultation (330,000 answers) that takes longer than the
 * driver's 30 s socket timeout. Unsorted, the server streams; only the four fields counted are
 * sent. Holds every answer in memory meanwhile (about 100 MB for 330,000).
 */
export async function readSynthesisAnswers(
  db: Db,
  consultationId: string,
): Promise<SynthesisAnswer[]> {
  const byParticipant = new Map<string, SynthesisAnswer[]>();
  const cursor = collections(db).answers.find(
    { consultationId: String(consultationId) },
    { projection: { _id: 1, participantId: 1, questionId: 1, value: 1, updatedAt: 1 } },
  );
  try {
    for await (const raw of cursor) {
      const answer = parseStored(synthesisAnswerSchema, raw, `answers/${raw._id}`);
      const list = byParticipant.get(answer.participantId);
      if (list) list.push(answer);
      else byParticipant.set(answer.participantId, [answer]);
    }
  } finally {
    await cursor.close();
  }
  return [...byParticipant.keys()]
    .sort(compare)
    .flatMap((id) =>
      (byParticipant.get(id) ?? []).sort((a, b) => compare(a.questionId, b.questionId)),
    );
}
