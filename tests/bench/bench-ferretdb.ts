import { measureLatency, openBenchDatabase } from './bench-database.js';

interface Doc {
  _id: string;
  version: number;
  state: string;
}

const sizes = (process.env['BENCH_FERRETDB_SIZES'] ?? '10000,100000').split(',').map(Number);
const budgetMs = 10_000;
const maxOps = 500;
const inSize = 20;

/**
 * The two lookups the conversation store relies on, at 10,000 and 100,000 documents: the
 * optimistic-concurrency commit `updateOne({_id, version})` and `find({_id: {$in: 20 ids}})`.
 * Stock FerretDB v1.24 scans the whole collection for both; the wrapper's build answers them
 * from the _id index (storage/ferretdb/patch). Against MONGODB_URI when set (e.g. an unpatched
 * build started by hand, for the "before" figures), else the embedded FerretDB.
 */
export async function benchFerretdb(): Promise<string[]> {
  const bench = await openBenchDatabase('bench_ferretdb');
  const { db } = bench;
  const lines = [`ferretdb ${bench.label}`];
  try {
    for (const size of sizes) {
      const c = db.collection<Doc>(`docs_${size}`);
      const started = performance.now();
      for (let i = 0; i < size; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, size - i) }, (_, k) => ({
          _id: `p:${i + k}`,
          version: 0,
          state: 'x'.repeat(200),
        }));
        await c.insertMany(batch, { ordered: false });
      }
      lines.push(
        `ferretdb ${size.toLocaleString('en')} documents inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );

      const versions = new Map<string, number>();
      let seed = 1;
      const randomId = () => {
        seed = (seed * 48271) % 2147483647;
        return `p:${seed % size}`;
      };
      const update = await measure(async () => {
        const id = randomId();
        const version = versions.get(id) ?? 0;
        const res = await c.updateOne({ _id: id, version }, { $set: { version: version + 1 } });
        if (res.modifiedCount !== 1) throw new Error(`${id} at version ${version} did not match`);
        versions.set(id, version + 1);
      });
      lines.push(`ferretdb ${size.toLocaleString('en')} docs, updateOne({_id, version}) ${update}`);

      const find = await measure(async () => {
        const ids = Array.from({ length: inSize }, randomId);
        const found = await c.find({ _id: { $in: ids } }).toArray();
        if (found.length !== new Set(ids).size)
          throw new Error(`found ${found.length} of ${ids.length}`);
      });
      lines.push(
        `ferretdb ${size.toLocaleString('en')} docs, find({_id: {$in: ${inSize} ids}}) ${find}`,
      );
      await c.drop();
    }
    return lines;
  } finally {
    await bench.close();
  }
}

const measure = (op: () => Promise<void>) => measureLatency(op, { maxOps, budgetMs });
