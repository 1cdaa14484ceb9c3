// The embedded/dev MongoDB server (storage/embedded-server.ts): starts, speaks the wire protocol,
// supports the subset of MongoDB the code relies on, keeps data across restarts, and fails clearly.
// On FerretDB v1 it also pins down known gaps (see storage/ferretdb/README.md) so that a change of
// server version that fixes or breaks one is noticed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer, type EmbeddedServer } from '../../storage/embedded-server.js';

interface OpsDoc {
  _id: number;
  n?: number;
  tags?: string[];
  set?: string[];
  k?: number;
}
interface GapsDoc {
  _id: number;
  arr?: number[];
  items?: { k: number }[];
  u?: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const startTimeout = 300_000; // the first run may build FerretDB (about 1.5 min on 2 cores)

describe('embedded MongoDB server', () => {
  let root: string;
  let dataDir: string;
  let server: EmbeddedServer;
  let client: MongoClient;
  let db: Db;

  async function connect(): Promise<void> {
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5000 });
    db = client.db('embedded_server_test');
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'concerto-embedded-'));
    dataDir = path.join(root, 'data');
    server = await startEmbeddedServer({ dataDir, log: () => undefined });
    await connect();
  }, startTimeout);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('inserts and reads a document over the wire', async () => {
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
    const { insertedId } = await db.collection('docs').insertOne({ name: 'Grigny', n: 1 });
    expect(await db.collection('docs').findOne({ _id: insertedId })).toMatchObject({ n: 1 });
  });

  it('enforces unique indexes with E11000 on insert', async () => {
    const councils = db.collection('councils');
    await councils.createIndex({ code: 1 }, { unique: true });
    await councils.insertOne({ code: 'QN09101M' });
    await expect(councils.insertOne({ code: 'QN09101M' })).rejects.toMatchObject({ code: 11000 });
  });

  it('TTL indexes: created on MongoDB, NotImplemented (238) on FerretDB v1', async () => {
    const create = db
      .collection('sessions')
      .createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    if (server.kind === 'ferretdb') await expect(create).rejects.toMatchObject({ code: 238 });
    else expect(await create).toBe('expiresAt_1');
  });

  it('findOneAndUpdate with upsert, $setOnInsert and a version condition', async () => {
    const states = db.collection<{
      _id: string;
      version: number;
      step?: string;
      created?: boolean;
    }>('states');
    const first = await states.findOneAndUpdate(
      { _id: 'p1' },
      { $set: { step: 'q1' }, $setOnInsert: { version: 0, created: true } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(first).toEqual({ _id: 'p1', step: 'q1', version: 0, created: true });
    const next = await states.findOneAndUpdate(
      { _id: 'p1', version: 0 },
      { $set: { step: 'q2' }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    expect(next).toMatchObject({ step: 'q2', version: 1 });
    expect(
      await states.findOneAndUpdate({ _id: 'p1', version: 0 }, { $inc: { version: 1 } }),
    ).toBeNull();
  });

  it('narrows {_id, …} and {_id: {$in}} filters by the _id index and still applies the rest', async () => {
    const c = db.collection<{ _id: string; version: number }>('conditional');
    await c.insertMany([
      { _id: 's1', version: 1 },
      { _id: 's2', version: 1 },
    ]);
    const stale = await c.updateOne({ _id: 's1', version: 0 }, { $inc: { version: 1 } });
    expect([stale.matchedCount, stale.modifiedCount]).toEqual([0, 0]);
    expect(
      await c.findOneAndUpdate({ _id: 's2', version: 5 }, { $inc: { version: 1 } }),
    ).toBeNull();
    const current = await c.updateOne({ _id: 's1', version: 1 }, { $inc: { version: 1 } });
    expect(current.modifiedCount).toBe(1);
    const found = await c
      .find({ _id: { $in: ['s2', 's1', 'absent', 's1'] } })
      .sort({ _id: 1 })
      .toArray();
    expect(found).toEqual([
      { _id: 's1', version: 2 },
      { _id: 's2', version: 1 },
    ]);
    expect(await c.countDocuments({ _id: { $in: ['s1', 's2'] }, version: 2 })).toBe(1);
    expect((await c.deleteOne({ _id: 's2', version: 2 })).deletedCount).toBe(0);
    if (server.kind !== 'ferretdb') return;
    // The wrapper's build of FerretDB answers both from the _id index (storage/ferretdb/patch).
    for (const filter of [{ _id: 's1', version: 2 }, { _id: { $in: ['s1', 's2'] } }]) {
      const plan = await c.find(filter).explain();
      expect(plan).toMatchObject({ filterPushdown: true });
      expect(JSON.stringify(plan['queryPlanner'])).toContain('USING INDEX');
    }
  });

  it('supports the update operators, bulk writes and queries the code may use', async () => {
    const c = db.collection<OpsDoc>('ops');
    await c.updateOne(
      { _id: 1 },
      { $inc: { n: 2 }, $setOnInsert: { tags: ['a'] } },
      { upsert: true },
    );
    await c.updateOne(
      { _id: 1 },
      { $push: { tags: { $each: ['b', 'c'] } }, $addToSet: { set: 'x' } },
    );
    await c.updateOne(
      { _id: 1 },
      { $addToSet: { set: 'x' }, $pull: { tags: 'a' }, $unset: { n: '' } },
    );
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, tags: ['b', 'c'], set: ['x'] });

    await c.insertMany([{ _id: 2 }, { _id: 3 }], { writeConcern: { w: 'majority' } });
    const dup = c.insertMany([{ _id: 4 }, { _id: 2 }, { _id: 5 }], { ordered: false });
    await expect(dup).rejects.toMatchObject({ code: 11000 });
    const bulk = await c.bulkWrite(
      [
        { insertOne: { document: { _id: 6 } } },
        { updateOne: { filter: { _id: 7 }, update: { $set: { k: 1 } }, upsert: true } },
        { deleteOne: { filter: { _id: 3 } } },
      ],
      { ordered: false },
    );
    expect([bulk.insertedCount, bulk.upsertedCount, bulk.deletedCount]).toEqual([1, 1, 1]);
    expect(await c.countDocuments({ _id: { $in: [2, 4, 5, 6, 7] } })).toBe(5);
    expect((await c.distinct('k')).sort()).toEqual([1]);
    expect((await c.deleteMany({ _id: { $gte: 4 } })).deletedCount).toBe(4);
  });

  it('applies concurrent writes to one document atomically', async () => {
    // FerretDB v1 alone loses most of these updates; the wrapper serializes writes.
    const claims = db.collection<{ _id: string; version: number; n: number }>('claims');
    await claims.insertOne({ _id: 'r1', version: 0, n: 0 });
    const attempts = await Promise.all(
      Array.from({ length: 50 }, () =>
        claims.findOneAndUpdate({ _id: 'r1', version: 0 }, { $inc: { version: 1 } }),
      ),
    );
    expect(attempts.filter((doc) => doc !== null)).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 50 }, () => claims.updateOne({ _id: 'r1' }, { $inc: { n: 1 } })),
    );
    expect(await claims.findOne({ _id: 'r1' })).toEqual({ _id: 'r1', version: 1, n: 50 });
  });

  it('runs a $match/$group/$sort/$project aggregation', async () => {
    const answers = db.collection('answers');
    await answers.insertMany([
      { theme: 'emploi', council: 'a' },
      { theme: 'emploi', council: 'b' },
      { theme: 'culture', council: 'a' },
      { theme: 'mobilite', council: 'c', draft: true },
    ]);
    const rows = await answers
      .aggregate([
        { $match: { draft: { $ne: true } } },
        { $group: { _id: '$theme', answers: { $sum: 1 } } },
        { $sort: { answers: -1, _id: 1 } },
        { $project: { _id: 1, answers: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 'emploi', answers: 2 },
      { _id: 'culture', answers: 1 },
    ]);
  });

  it('pages a cursor over 10,000 documents sorted by a compound index', async () => {
    const big = db.collection('big');
    await big.createIndex({ council: 1, at: -1 });
    await big.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ i, council: i % 10, at: i })));
    let count = 0;
    for await (const doc of big.find({}, { batchSize: 1000 })) count += doc.i >= 0 ? 1 : 0;
    expect(count).toBe(10_000);
    const top = await big.find({ council: 3 }).sort({ council: 1, at: -1 }).limit(2).toArray();
    expect(top.map((d) => d.i)).toEqual([9993, 9983]);
  }, 60_000);

  it('FerretDB v1 gaps that silently differ from MongoDB are still there', async (ctx) => {
    if (server.kind !== 'ferretdb') ctx.skip();
    const c = db.collection<GapsDoc>('gaps');
    await c.insertOne({ _id: 1, arr: [1, 2, 3], items: [{ k: 1 }, { k: 2 }] });
    // MongoDB: arr = [3, 4]; FerretDB v1 ignores $slice (and $sort, $position).
    await c.updateOne({ _id: 1 }, { $push: { arr: { $each: [4], $slice: -2 } } });
    // MongoDB: removes 1 and 2; FerretDB v1 $pull only removes exactly equal values.
    await c.updateOne({ _id: 1 }, { $pull: { arr: { $lte: 2 } } });
    expect(await c.findOne({ _id: 1 })).toMatchObject({ arr: [1, 2, 3, 4] });
    // MongoDB: matches the document; FerretDB v1: no match.
    expect(await c.countDocuments({ items: { $elemMatch: { k: 2 } } })).toBe(0);
    // MongoDB: E11000 (11000); FerretDB v1: InternalError (1) "UNIQUE constraint failed".
    await c.createIndex({ u: 1 }, { unique: true });
    await c.insertMany([
      { _id: 2, u: 'a' },
      { _id: 3, u: 'b' },
    ]);
    await expect(c.updateOne({ _id: 3 }, { $set: { u: 'a' } })).rejects.toMatchObject({ code: 1 });
    // MongoDB: b = 3; FerretDB v1: every $group accumulator after the first is 0.
    const [group] = await c
      .aggregate([{ $group: { _id: null, a: { $sum: 1 }, b: { $sum: 1 } } }])
      .toArray();
    expect(group).toEqual({ _id: null, a: 3, b: 0 });
    // MongoDB: { x: 1 }; FerretDB v1: '$path' values in $project/$addFields/$set stay literal.
    const [projected] = await c
      .aggregate([{ $match: { _id: 1 } }, { $project: { _id: 0, x: '$_id' } }])
      .toArray();
    expect(projected).toEqual({ x: '$_id' });
  });

  it(
    'keeps data and indexes across a restart on the same data directory',
    async () => {
      await client.close();
      await server.stop();
      server = await startEmbeddedServer({ dataDir, log: () => undefined });
      await connect();
      expect(await db.collection('docs').findOne({ name: 'Grigny' })).toMatchObject({ n: 1 });
      expect(await db.collection('big').countDocuments()).toBe(10_000);
      await expect(db.collection('councils').insertOne({ code: 'QN09101M' })).rejects.toMatchObject(
        {
          code: 11000,
        },
      );
    },
    startTimeout,
  );

  it('fails clearly when the data directory is unusable', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(startEmbeddedServer({ dataDir: path.join(file, 'data') })).rejects.toThrow(
      /cannot use data directory .*a-file/,
    );
  });

  it('stops the FerretDB server when its Node parent is killed with SIGKILL', async (ctx) => {
    if (server.kind !== 'ferretdb') ctx.skip();
    const script = `
      import { startEmbeddedServer } from './storage/embedded-server.ts';
      const s = await startEmbeddedServer({ dataDir: ${JSON.stringify(path.join(root, 'orphan'))}, log: () => {} });
      console.log(s.uri);
      setInterval(() => {}, 1000); // stay alive: the server does not hold this process open`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const uri = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8').trim())),
    );
    const orphanClient = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
    await orphanClient.db('admin').command({ ping: 1 });
    await orphanClient.close();
    child.kill('SIGKILL');
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const probe = new MongoClient(uri, { serverSelectionTimeoutMS: 300 });
      alive = await probe
        .db('admin')
        .command({ ping: 1 })
        .then(() => true)
        .catch(() => false);
      await probe.close();
    }
    expect(alive).toBe(false);
  }, 60_000);
});
