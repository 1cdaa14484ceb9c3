import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { participantKey, streamAnswers } from '../../storage/answer-export.js';
import type { ChannelIdentity, CommitOutcome } from '../../storage/conversation-store.js';
import { MongoConversationStore } from '../../storage/mongo-conversation-store.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { answerTurn, buildTurn, questionnaireVersion, text } from './build-turn.js';

const secret = 'test-secret-test-secret-test-secret';

function committedId(outcome: CommitOutcome): string {
  if (outcome.kind !== 'committed') throw new Error(outcome.kind);
  return outcome.participantId;
}

describe('streamAnswers', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await useTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('streams current answers with pseudonymous participant keys, filtered by council', async () => {
    const store = new MongoConversationStore(database.db);
    const inCouncil = (identity: ChannelIdentity, councilId: string) =>
      buildTurn(identity, null, {
        state: (s) => ({ ...s, councilId }),
        events: [{ type: 'council_selected', councilId }],
      });
    const ana: ChannelIdentity = { channel: 'telegram', externalId: '1' };
    const ben: ChannelIdentity = { channel: 'web', externalId: '2' };
    const anaId = committedId(await store.commitTurn(inCouncil(ana, 'QN05981M')));
    await store.commitTurn(answerTurn(ana, await store.load(ana), 'q1', text('premier')));
    await store.commitTurn(answerTurn(ana, await store.load(ana), 'q1', text('corrigé')));
    await store.commitTurn(inCouncil(ben, 'QN05983M'));
    await store.commitTurn(
      answerTurn(ben, await store.load(ben), 'q1', { kind: 'yesno', value: true }),
    );

    const rows = [];
    for await (const row of streamAnswers(database.db, { secret, councilId: 'QN05981M' }))
      rows.push(row);
    expect(rows).toEqual([
      {
        participantKey: participantKey(anaId, secret),
        councilId: 'QN05981M',
        questionId: 'q1',
        value: text('corrigé'),
        questionnaireVersion,
        answeredAt: expect.any(Date),
        updatedAt: expect.any(Date),
      },
    ]);
    expect(rows[0]?.participantKey).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(rows)).not.toContain(anaId);

    let all = 0;
    for await (const row of streamAnswers(database.db, {
      secret,
      consultationId: 'conseils-citoyens-2017',
    })) {
      expect(row.participantKey).not.toBe(participantKey(anaId, 'another secret'));
      all += 1;
    }
    expect(all).toBe(2);
    const none = streamAnswers(database.db, { secret, councilId: '{"$ne": null}' });
    expect((await none.next()).done).toBe(true);
  });

  it('refuses an empty secret', async () => {
    await expect(streamAnswers(database.db, { secret: '' }).next()).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
