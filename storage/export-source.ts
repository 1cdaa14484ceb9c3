import type { Db } from 'mongodb';
import { collections, type Collections } from './collections.js';
import { councilDocSchema } from './council-documents.js';
import { answerDocSchema, transcriptDocSchema } from './documents.js';
import { MongoParticipants } from './mongo-participants.js';
import { parseStored } from './storage-error.js';
import type {
  ParticipantFilter,
  ParticipantSummary,
  StoredAnswer,
  StoredTranscript,
} from './storage.js';

/** A council as exports name it. */
export interface ExportCouncil {
  councilId: string;
  name: string;
  commune: string;
  department: string;
}

/** An answer as exports read it: the current value, without its history. */
export type ExportAnswer = Omit<StoredAnswer, 'history'>;

/**
 * What the exports read, and nothing else. Every read is either a listing (councils, about
 * 1,500; participants, tens of thousands of small summaries) or a batch of `_id` lookups, the
 * only queries FerretDB v1 serves from an index; nothing is sorted by the server.
 */
export interface ExportSource {
  councils(): Promise<ExportCouncil[]>;
  /** Participants matching the filter, in no particular order. */
  participants(filter: ParticipantFilter): AsyncIterable<ParticipantSummary>;
  /**
   * The current answers of these participants to these questions (ids
   * "<participantId>:<questionId>"), in no particular order; at most `answerBatchIds` ids.
   */
  answers(ids: readonly string[]): AsyncIterable<ExportAnswer>;
  /** Turn documents by id ("<participantId>:<turn>"), in no particular order. */
  transcripts(ids: readonly string[]): AsyncIterable<StoredTranscript>;
}

/** How many `_id`s one lookup may name (FerretDB's pushdown takes up to 10,000). */
export const answerBatchIds = 5_000;

/**
 * The export reads on MongoDB (or the embedded FerretDB).
 *
 * @example for await (const a of mongoExportSource(db).answers(['p1:role'])) console.log(a.value)
 */
export function mongoExportSource(db: Db): ExportSource {
  const c = collections(db);
  const participants = new MongoParticipants(c);
  return {
    councils: () => readCouncils(c),
    participants: (filter) => participants.list(filter),
    answers: (ids) => readAnswers(c, ids),
    transcripts: (ids) => readTranscripts(c, ids),
  };
}

async function readCouncils(c: Collections): Promise<ExportCouncil[]> {
  const docs = await c.councils.find({}, { projection: { invitationCodes: 0 } }).toArray();
  const schema = councilDocSchema.omit({ invitationCodes: true });
  return docs.map((raw) => {
    const doc = parseStored(schema, raw, `councils/${raw._id}`);
    return { councilId: doc._id, name: doc.name, commune: doc.commune, department: doc.department };
  });
}

const exportAnswerSchema = answerDocSchema.omit({ history: true });

async function* readAnswers(c: Collections, ids: readonly string[]): AsyncGenerator<ExportAnswer> {
  if (ids.length === 0) return;
  const cursor = c.answers.find(
    { _id: { $in: ids.map(String) } },
    { projection: { history: 0 }, batchSize: ids.length },
  );
  try {
    for await (const raw of cursor) {
      const { _id, ...answer } = parseStored(exportAnswerSchema, raw, `answers/${raw._id}`);
      yield answer;
    }
  } finally {
    await cursor.close();
  }
}

async function* readTranscripts(
  c: Collections,
  ids: readonly string[],
): AsyncGenerator<StoredTranscript> {
  if (ids.length === 0) return;
  const cursor = c.transcripts.find({ _id: { $in: ids.map(String) } }, { batchSize: ids.length });
  try {
    for await (const raw of cursor) {
      const { _id, ...transcript } = parseStored(
        transcriptDocSchema,
        raw,
        `transcripts/${raw._id}`,
      );
      yield transcript;
    }
  } finally {
    await cursor.close();
  }
}
