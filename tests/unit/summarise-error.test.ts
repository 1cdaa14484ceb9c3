import { Writable } from 'node:stream';
import { GrammyError } from 'grammy';
import { MongoServerError } from 'mongodb';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../bot/logger.js';
import { summariseError, withoutQuotes } from '../../bot/summarise-error.js';
import { useTestDatabase } from '../helpers/test-database.js';

const secret = 'Ma phrase secrète 7QX';

/** A logger at trace level whose lines are kept here. */
function capturedLogger() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { log: createLogger('trace', 'test', stream), output: () => text };
}

function errorsCarrying(phrase: string): Error[] {
  const parseError = (() => {
    try {
      JSON.parse(`"${phrase}" et la suite`);
    } catch (error) {
      return error instanceof Error ? error : new Error('no error');
    }
    return new Error('no error');
  })();
  const zodError = z.object({ text: z.number() }).safeParse({ text: phrase }).error;
  const duplicate = new MongoServerError({
    errmsg: `E11000 duplicate key error collection: concerto.transcripts index: _id_ dup key: { _id: "${phrase}" }`,
    code: 11000,
    keyValue: { _id: phrase },
  });
  const grammy = new GrammyError(
    'Call to sendMessage failed',
    { ok: false, error_code: 400, description: 'Bad Request: message is too long' },
    'sendMessage',
    { chat_id: 1, text: phrase },
  );
  const wrapped = new Error('turn failed', {
    cause: Object.assign(new Error('x'), { doc: phrase }),
  });
  return [
    parseError,
    zodError ?? new Error('no zod error'),
    duplicate,
    grammy,
    wrapped,
    new Error(`could not store '${phrase}'`),
    new Error(`refused {"text": ${JSON.stringify(phrase)}}`),
  ];
}

describe('what a log line may say of an error', () => {
  it('keeps the type, code and stack, never what the error carries', () => {
    for (const error of errorsCarrying(secret)) {
      const summary = JSON.stringify(summariseError(error));
      expect(summary, error.name).not.toContain('secrète');
      expect(summary, error.name).toContain(error.name);
    }
    const duplicate = summariseError(errorsCarrying(secret)[2]);
    expect(duplicate).toMatchObject({ type: 'MongoServerError', code: 11000 });
    expect(duplicate.stack?.length).toBeGreaterThan(0);
  });

  it('says only the type of something thrown that is not an Error', () => {
    expect(summariseError(secret)).toEqual({ type: 'string' });
    expect(summariseError({ text: secret })).toEqual({ type: 'object' });
    expect(summariseError(null)).toEqual({ type: 'null' });
  });

  it('removes quoted parts of messages, keeps the rest', () => {
    expect(withoutQuotes(`Unexpected token 'M', "${secret}" is not valid JSON`)).toBe(
      `Unexpected token 'M', "…" is not valid JSON`,
    );
    expect(withoutQuotes('connect ECONNREFUSED 127.0.0.1:27017')).toBe(
      'connect ECONNREFUSED 127.0.0.1:27017',
    );
  });

  it('at trace level, through the logger: errors summarised, payload keys not logged', () => {
    const { log, output } = capturedLogger();
    for (const error of errorsCarrying(secret)) log.error({ err: error }, 'failed');
    log.trace({ activity: { text: secret }, update: { message: { text: secret } } }, 'received');
    log.debug({ body: secret, text: secret, value: { note: secret } }, 'parsed');
    log.info({ error: new Error(`"${secret}"`) }, 'again');
    expect(output().split('\n').filter(Boolean)).toHaveLength(10);
    expect(output()).not.toContain('secrète');
    expect(output()).toContain('"type":"MongoServerError"');
    expect(output()).toContain('[not logged]');
  });
});

describe('errors of the real database server', () => {
  it('quote the document they refused; the log line does not', async () => {
    const database = await useTestDatabase();
    const refused: unknown[] = [];
    try {
      const collection = database.db.collection<{ _id?: string; [key: string]: unknown }>(
        'privacy',
      );
      for (const doc of [{ v: [[1, secret]] }, { v: { $where: secret } }, { v: { 'a\0': secret } }])
        await collection.insertOne(doc).catch((error: unknown) => refused.push(error));
      // A batch insert that fails names the document of each failed write.
      await collection
        .insertMany([
          { _id: 'same', lines: [{ text: secret }] },
          { _id: 'same', lines: [{ text: secret }] },
        ])
        .catch((error: unknown) => refused.push(error));
    } finally {
      await database.drop();
    }
    expect(refused.map((error) => (error instanceof Error ? error.name : typeof error))).toContain(
      'MongoBulkWriteError',
    );
    const { log, output } = capturedLogger();
    for (const error of refused) log.error({ err: error }, 'insert failed');
    expect(output()).not.toContain('secrète');
    // What pino's own serializer would have written: the phrase, for at least one of them.
    const standard = refused.map((error) =>
      JSON.stringify(error instanceof Error ? pino.stdSerializers.err(error) : error),
    );
    expect(standard.join('\n')).toContain('secrète');
  });
});
