import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase } from '../../storage/open-database.js';

describe('openDatabase', () => {
  it('connects with the configured write concern', async () => {
    const { client, db, close } = await openDatabase({
      uri: inject('mongoUri'),
      dbName: 'concerto_open_test',
      writeConcern: 1,
    });
    try {
      expect(db.databaseName).toBe('concerto_open_test');
      expect(client.options.writeConcern).toMatchObject({ w: 1 });
      await db.collection('probe').insertOne({ ok: true });
    } finally {
      await db.dropDatabase();
      await close();
    }
  });

  it('fails fast when no server answers', async () => {
    const started = Date.now();
    await expect(
      openDatabase({ uri: 'mongodb://127.0.0.1:9/', dbName: 'x', serverSelectionTimeoutMS: 500 }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
