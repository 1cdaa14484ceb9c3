import { createHmac } from 'node:crypto';
import type { Db, Filter } from 'mongodb';
import type { AnswerValue } from '../dialogs/answer-value.js';
import { collections } from './collections.js';
import { answerDocSchema, type AnswerDoc } from './documents.js';
import { StorageError, parseStored } from './storage-error.js';

export interface ExportedAnswer {
  /** A stable pseudonym: the same participant gets the same key with the same secret. */
  participantKey: string;
  councilId?: string;
  questionId: string;
  value: AnswerValue;
  questionnaireVersion: string;
  answeredAt: Date;
  updatedAt: Date;
}

export interface AnswerExportOptions {
  /** Keys the pseudonyms; keep it secret, or participant keys can be linked back to ids. */
  secret: string;
  consultationId?: string;
  councilId?: string;
}

/**
 * The current answers, one per participant × question, grouped by participant, read in a
 * stream so a national export never sits in memory.
 *
 * @example
 *   for await (const row of streamAnswers(db, { secret, councilId: 'QN05981M' })) write(row);
 */
export async function* streamAnswers(
  db: Db,
  options: AnswerExportOptions,
): AsyncGenerator<ExportedAnswer> {
  if (options.secret.length === 0)
    throw new StorageError('invalid_argument', 'streamAnswers: the pseudonym secret is empty');
  // Filter values are typed strings: a caller's text can only ever be compared, never run.
  const filter: Filter<AnswerDoc> = {};
  if (options.consultationId !== undefined) filter.consultationId = String(options.consultationId);
  if (options.councilId !== undefined) filter.councilId = String(options.councilId);
  const cursor = collections(db).answers.find(filter).sort({ participantId: 1, questionId: 1 });
  try {
    for await (const raw of cursor) {
      const doc = parseStored(answerDocSchema, raw, `answers/${raw._id}`);
      yield {
        participantKey: participantKey(doc.participantId, options.secret),
        ...(doc.councilId === undefined ? {} : { councilId: doc.councilId }),
        questionId: doc.questionId,
        value: doc.value,
        questionnaireVersion: doc.questionnaireVersion,
        answeredAt: doc.answeredAt,
        updatedAt: doc.updatedAt,
      };
    }
  } finally {
    await cursor.close();
  }
}

/** HMAC-SHA256 of the participant id, first 16 hex characters (64 bits: no collisions in practice). */
export function participantKey(participantId: string, secret: string): string {
  return createHmac('sha256', secret).update(participantId).digest('hex').slice(0, 16);
}
