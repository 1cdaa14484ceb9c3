import type { UpdateFilter } from 'mongodb';
import type { Collections } from './collections.js';
import { answerDocSchema, type AnswerDoc, type AnswerWrite } from './documents.js';
import { InsertBatcher } from './insert-batcher.js';
import { previousValue } from './previous-value.js';
import { checkForWrite, parseStored } from './storage-error.js';
import type { AnswerRepository, StoredAnswer } from './storage.js';

/**
 * `answers` on MongoDB: one document per participant × question, `_id`
 * "<participantId>:<questionId>". Every read and write of a turn selects by `_id` alone.
 */
export class MongoAnswers implements AnswerRepository {
  private readonly inserts: InsertBatcher<AnswerDoc>;

  constructor(private readonly c: Collections) {
    this.inserts = new InsertBatcher(c.answers);
  }

  async record(
    participantId: string,
    answers: readonly AnswerWrite[],
    turn: Parameters<AnswerRepository['record']>[2],
  ): Promise<void> {
    await Promise.all(answers.map((answer) => this.recordOne(participantId, answer, turn)));
  }

  async *stream(filter: { consultationId?: string | undefined }): AsyncGenerator<StoredAnswer> {
    const query =
      filter.consultationId === undefined ? {} : { consultationId: String(filter.consultationId) };
    const cursor = this.c.answers.find(query).sort({ participantId: 1, questionId: 1 });
    try {
      for await (const raw of cursor) {
        const { _id, ...answer } = parseStored(answerDocSchema, raw, `answers/${raw._id}`);
        yield answer;
      }
    } finally {
      await cursor.close();
    }
  }

  async remove(participantId: string, questionIds: readonly string[]): Promise<void> {
    if (questionIds.length === 0) return;
    // One delete by `_id` each: the lookup FerretDB v1 serves from its index.
    await this.c.answers.bulkWrite(
      questionIds.map((questionId) => ({
        deleteOne: { filter: { _id: `${participantId}:${questionId}` } },
      })),
      { ordered: false },
    );
  }

  /**
   * Most answers are given once: insert. A changed answer finds the document there and keeps
   * its value in the history, unless this turn (or a later one) wrote it already: a replay.
   */
  private async recordOne(
    participantId: string,
    answer: AnswerWrite,
    turn: Parameters<AnswerRepository['record']>[2],
  ): Promise<void> {
    const _id = `${participantId}:${answer.questionId}`;
    const current = {
      ...answer,
      participantId,
      consultationId: turn.consultationId,
      channel: turn.channel,
      updatedAt: turn.at,
      turn: turn.version,
    };
    const doc = checkForWrite(
      answerDocSchema,
      { _id, ...current, answeredAt: turn.at, history: [] },
      `answers/${_id}`,
    );
    if ((await this.inserts.insert(doc)) === 'inserted') return;
    const raw = await this.c.answers.findOne({ _id });
    if (raw === null) return this.recordOne(participantId, answer, turn); // removed meanwhile
    const before: AnswerDoc = parseStored(answerDocSchema, raw, `answers/${_id}`);
    if (before.turn >= turn.version) return;
    const previous = previousValue(before);
    // A value without a label or free text must not keep the previous one's.
    const unset: UpdateFilter<AnswerDoc>['$unset'] = {
      ...(answer.label === undefined ? { label: '' } : {}),
      ...(answer.text === undefined ? { text: '' } : {}),
    };
    // $addToSet: two processes repairing the same turn add the previous value once.
    await this.c.answers.updateOne(
      { _id },
      {
        $set: current,
        $addToSet: { history: previous },
        ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
      },
    );
  }
}
