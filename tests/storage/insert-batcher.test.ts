import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { InsertBatcher } from '../../storage/insert-batcher.js';

interface Doc {
  _id: string;
  n: number;
}

describe('InsertBatcher', () => {
  let client: MongoClient;
  let db: Db;
  const inserts: number[] = [];

  beforeEach(async () => {
    client = new MongoClient(inject('mongoUri'), { monitorCommands: true });
    client.on('commandStarted', (event) => {
      if (event.commandName === 'insert') inserts.push(event.command.documents?.length ?? 0);
    });
    await client.connect();
    db = client.db(`test_${randomBytes(6).toString('hex')}`);
    inserts.length = 0;
  });
  afterEach(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('sends concurrent inserts as one batch and tells each caller its outcome', async () => {
    const collection = db.collection<Doc>('docs');
    await collection.insertOne({ _id: 'taken', n: 0 });
    inserts.length = 0;
    const batcher = new InsertBatcher(collection);
    const outcomes = await Promise.all([
      batcher.insert({ _id: 'a', n: 1 }),
      batcher.insert({ _id: 'taken', n: 2 }),
      batcher.insert({ _id: 'b', n: 3 }),
      batcher.insert({ _id: 'a', n: 4 }),
    ]);
    expect(outcomes).toEqual(['inserted', 'duplicate', 'inserted', 'duplicate']);
    expect(inserts[0]).toBe(4); // one insertMany for the four (FerretDB may retry singly)
    const stored = await collection.find().sort({ _id: 1 }).toArray();
    expect(stored).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 3 },
      { _id: 'taken', n: 0 },
    ]);
  });

  it('rejects every caller of a batch the server did not take', async () => {
    const batcher = new InsertBatcher(db.collection<Doc>('docs'));
    await client.close();
    const results = await Promise.allSettled([
      batcher.insert({ _id: 'x', n: 1 }),
      batcher.insert({ _id: 'y', n: 2 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await client.connect();
  });
});
