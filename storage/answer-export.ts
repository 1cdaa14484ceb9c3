import { createHmac } from 'node:crypto';
import type { AnswerValue } from '../dialogs/answer-value.js';
import { StorageError } from './storage-error.js';
import type { Storage } from './storage.js';

export interface ExportedAnswer {
  /** A stable pseudonym: the same participant gets the same key with the same secret. */
  participantKey: string;
  councilId?: string;
  role?: string;
  questionId: string;
  value: AnswerValue;
  label?: string;
  text?: string;
  questionnaireVersion: string;
  answeredAt: Date;
  updatedAt: Date;
}

export interface AnswerExportOptions {
  /** Keys the pseudonyms; keep it secret, or participant keys can be linked back to ids. */
  secret: string;
  consultationId?: string | undefined;
  councilId?: string | undefined;
}

/**
 * The current answers, one per participant × question, grouped by participant, joined with
 * their participant (council, role), read as a stream. Answers whose participant no longer
 * exists (erased) are left out.
 *
 * @example
 *   for await (const row of streamAnswers(storage, { secret, councilId: 'QN05981M' })) write(row);
 */
export async function* streamAnswers(
  storage: Storage,
  options: AnswerExportOptions,
): AsyncGenerator<ExportedAnswer> {
  if (options.secret.length === 0)
    throw new StorageError('invalid_argument', 'streamAnswers: the pseudonym secret is empty');
  const { consultationId, councilId } = options;
  // One small entry per participant (15,000 for a national consultation).
  const participants = new Map<string, { councilId?: string; role?: string }>();
  for await (const p of storage.participants.list({
    consultationId,
    ...(councilId === undefined ? {} : { councilIds: [councilId] }),
  })) {
    participants.set(p.participantId, {
      ...(p.councilId === undefined ? {} : { councilId: p.councilId }),
      ...(p.role === undefined ? {} : { role: p.role }),
    });
  }
  for await (const answer of storage.answers.stream({ consultationId })) {
    const participant = participants.get(answer.participantId);
    if (participant === undefined) continue;
    yield {
      participantKey: participantKey(answer.participantId, options.secret),
      ...participant,
      questionId: answer.questionId,
      value: answer.value,
      ...(answer.label === undefined ? {} : { label: answer.label }),
      ...(answer.text === undefined ? {} : { text: answer.text }),
      questionnaireVersion: answer.questionnaireVersion,
      answeredAt: answer.answeredAt,
      updatedAt: answer.updatedAt,
    };
  }
}

/** HMAC-SHA256 of the participant id, first 16 hex characters (64 bits: no collisions in practice). */
export function participantKey(participantId: string, secret: string): string {
  return createHmac('sha256', secret).update(participantId).digest('hex').slice(0, 16);
}
