import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelIdentity } from '../../storage/identity.js';
import { startEmbeddedServer, type EmbeddedServer } from '../../storage/embedded-server.js';
import { findFreePort } from '../../storage/find-free-port.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { openDatabase, type OpenDatabase } from '../../storage/open-database.js';
import { answerCommit, text } from './turn-commit.js';

const alice: ChannelIdentity = { channel: 'telegram', externalId: '42' };

/** Resolves with how long the promise took to reject; fails the test if it resolves. */
async function rejectionTime(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await expect(promise).rejects.toThrow();
  return Date.now() - started;
}

// Its own server, since stopping the shared one would break the other test files.
describe('database outage', () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedServer | undefined;
  let database: OpenDatabase;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-outage-'));
    port = await findFreePort();
    server = await startEmbeddedServer({ dataDir, port, log: () => undefined });
    database = await openDatabase({ uri: server.uri, dbName: 'concerto_outage', writeConcern: 1 });
  });
  afterAll(async () => {
    await database.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'fails turns fast while the server is down, then recovers with the same client',
    { timeout: 90_000 },
    async () => {
      const { participants } = mongoStorage(database.db);
      expect(
        await participants.commit(answerCommit(alice, null, 'q1', text('avant la panne'))),
      ).toMatchObject({ kind: 'committed' });
      const before = await participants.load(alice);

      await server?.stop();
      server = undefined;
      expect(
        await rejectionTime(
          participants.commit(answerCommit(alice, before, 'q2', text('pendant'))),
        ),
      ).toBeLessThan(10_000);
      expect(await rejectionTime(participants.load(alice))).toBeLessThan(10_000);

      server = await startEmbeddedServer({ dataDir, port, log: () => undefined });
      const after = await participants.load(alice);
      expect(after?.state.answers).toEqual({ q1: text('avant la panne') });
      expect(
        await participants.commit(answerCommit(alice, after, 'q2', text('après la panne'))),
      ).toMatchObject({ kind: 'committed', version: 2 });
    },
  );
});
