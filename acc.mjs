import { MongoClient } from '/work/main/node_modules/mongodb/lib/index.js';
const client = new MongoClient('mongodb://127.0.0.1:37022/');
const g = client.db('acc').collection('g');
await g.deleteMany({});
await g.insertMany([
  { t: 'a', v: 1 },
  { t: 'a', v: 3 },
  { t: 'b', v: 2 },
]);
const run = async (name, p) => {
  try {
    console.log(name, JSON.stringify(await g.aggregate(p).toArray()));
  } catch (e) {
    console.log(name, 'ERR', e.message);
  }
};
await run('sum1,sum1', [
  { $group: { _id: '$t', a: { $sum: 1 }, b: { $sum: 1 } } },
  { $sort: { _id: 1 } },
]);
await run('sumv,sum1', [
  { $group: { _id: '$t', a: { $sum: '$v' }, b: { $sum: 1 } } },
  { $sort: { _id: 1 } },
]);
await run('sum1,sumv', [
  { $group: { _id: '$t', a: { $sum: 1 }, b: { $sum: '$v' } } },
  { $sort: { _id: 1 } },
]);
await run('count,sum1', [
  { $group: { _id: '$t', a: { $count: {} }, b: { $sum: 1 } } },
  { $sort: { _id: 1 } },
]);
await run('sum1,count', [
  { $group: { _id: '$t', b: { $sum: 1 }, a: { $count: {} } } },
  { $sort: { _id: 1 } },
]);
await run('sumv,sumv', [
  { $group: { _id: '$t', a: { $sum: '$v' }, b: { $sum: '$v' } } },
  { $sort: { _id: 1 } },
]);
await run('sum1 only', [{ $group: { _id: '$t', a: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
await run('count only', [{ $group: { _id: '$t', a: { $count: {} } } }, { $sort: { _id: 1 } }]);
await run('group null sum1,sum v', [{ $group: { _id: null, n: { $sum: 1 }, s: { $sum: '$v' } } }]);
await run('$project rename', [{ $project: { _id: 0, theme: '$t' } }]);
await run('$project after group rename _id', [
  { $group: { _id: '$t', n: { $sum: 1 } } },
  { $project: { _id: 0, theme: '$_id', n: 1 } },
]);
await run('$set $sum array', [{ $set: { s: { $sum: ['$v', 1] } } }]);
await client.close();
