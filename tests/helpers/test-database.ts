import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { inject } from 'vitest';

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  /** Unique per call (`test_<hex>`), so test files running in parallel never collide. */
  name: string;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

/** Connects to the run's server (tests/global-setup.ts) and picks a fresh database. */
export async function useTestDatabase(): Promise<TestDatabase> {
  const client = new MongoClient(inject('mongoUri'), { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const db = client.db(name);
  return {
    client,
    db,
    name,
    async drop() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}
