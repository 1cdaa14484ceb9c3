import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { participantKey, streamAnswers, type ExportedAnswer } from '../../storage/answer-export.js';
import { applyTurnEffects } from '../../storage/apply-turn-effects.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import type { Storage, TurnCommit } from '../../storage/storage.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { raw } from './raw-collection.js';
import {
  answerCommit,
  consultationId,
  questionnaireVersion,
  text,
  turnCommit,
} from './turn-commit.js';

const secret = 'test-secret-test-secret-test-secret';

describe('streamAnswers', () => {
  let database: TestDatabase;
  let storage: Storage;
  beforeEach(async () => {
    database = await useTestDatabase();
    storage = mongoStorage(database.db);
  });
  afterEach(async () => {
    await database.drop();
  });

  async function commit(turn: TurnCommit): Promise<string> {
    const outcome = await storage.participants.commit(turn);
    if (outcome.kind !== 'committed') throw new Error(outcome.kind);
    await applyTurnEffects(storage, outcome.participantId, consultationId, turn.lastTurn);
    return outcome.participantId;
  }
  async function answerAs(identity: ChannelIdentity, questionId: string, value: string) {
    return commit(
      answerCommit(identity, await storage.participants.load(identity), questionId, text(value)),
    );
  }
  async function all(options: Parameters<typeof streamAnswers>[1]): Promise<ExportedAnswer[]> {
    const rows: ExportedAnswer[] = [];
    for await (const row of streamAnswers(storage, options)) rows.push(row);
    return rows;
  }

  it('streams current answers joined with their participant, pseudonymised, by council', async () => {
    const ana: ChannelIdentity = { channel: 'telegram', externalId: '1' };
    const ben: ChannelIdentity = { channel: 'web', externalId: '2' };
    const inCouncil = (identity: ChannelIdentity, councilId: string) =>
      commit({
        ...turnCommit(identity, null, { state: (s) => ({ ...s, consented: true, councilId }) }),
        identity,
      });
    const anaId = await inCouncil(ana, 'QN05981M');
    await answerAs(ana, 'edu_marche', 'premier');
    await answerAs(ana, 'edu_marche', 'corrigé');
    await inCouncil(ben, 'QN05983M');
    await answerAs(ben, 'edu_marche', 'autre conseil');

    const rows = await all({ secret, councilId: 'QN05981M' });
    expect(rows).toEqual([
      {
        participantKey: participantKey(anaId, secret),
        councilId: 'QN05981M',
        questionId: 'edu_marche',
        value: text('corrigé'),
        questionnaireVersion,
        answeredAt: expect.any(Date),
        updatedAt: expect.any(Date),
      },
    ]);
    expect(rows[0]?.participantKey).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(rows)).not.toContain(anaId);
    expect(await all({ secret, consultationId })).toHaveLength(2);
    expect(await all({ secret, councilId: '{"$ne": null}' })).toEqual([]);
  });

  it('leaves out answers whose participant no longer exists', async () => {
    const ana: ChannelIdentity = { channel: 'telegram', externalId: '1' };
    const anaId = await answerAs(ana, 'edu_marche', 'gardé');
    await raw(database.db, 'answers').insertOne({
      _id: 'gone:edu_marche',
      participantId: 'gone',
      questionId: 'edu_marche',
      consultationId,
      value: text('effacé'),
      questionnaireVersion,
      answeredAt: new Date(),
      updatedAt: new Date(),
      turn: 1,
      history: [],
    });
    const rows = await all({ secret });
    expect(rows.map((r) => r.participantKey)).toEqual([participantKey(anaId, secret)]);
  });

  it('refuses an empty secret', async () => {
    await expect(streamAnswers(storage, { secret: '' }).next()).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
