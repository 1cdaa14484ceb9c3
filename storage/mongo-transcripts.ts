import type { Collections } from './collections.js';
import { transcriptDocSchema, type TranscriptDoc } from './documents.js';
import { InsertBatcher } from './insert-batcher.js';
import { checkForWrite } from './storage-error.js';
import type { StoredTranscript, TranscriptRepository } from './storage.js';

/** `transcripts` on MongoDB: one document per turn, `_id` "<participantId>:<turn>". */
export class MongoTranscripts implements TranscriptRepository {
  private readonly inserts: InsertBatcher<TranscriptDoc>;

  constructor(private readonly c: Collections) {
    this.inserts = new InsertBatcher(c.transcripts);
  }

  async record(transcript: StoredTranscript): Promise<void> {
    const _id = `${transcript.participantId}:${transcript.turn}`;
    const doc = checkForWrite(transcriptDocSchema, { _id, ...transcript }, `transcripts/${_id}`);
    await this.inserts.insert(doc); // 'duplicate' on a replay: already there
  }

  async has(participantId: string, turn: number): Promise<boolean> {
    const found = await this.c.transcripts.findOne(
      { _id: `${participantId}:${turn}` },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  async remove(participantId: string, lastTurn: number): Promise<void> {
    // By `_id`, a hundred at a time: each delete is an indexed lookup on FerretDB v1 too.
    for (let first = 1; first <= lastTurn; first += 100) {
      const turns = Array.from(
        { length: Math.min(100, lastTurn - first + 1) },
        (_, i) => first + i,
      );
      await this.c.transcripts.bulkWrite(
        turns.map((turn) => ({ deleteOne: { filter: { _id: `${participantId}:${turn}` } } })),
        { ordered: false },
      );
    }
  }
}
