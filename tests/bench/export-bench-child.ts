// One export in a process of its own, so that its peak RSS is its own: run by bench-exports.ts.
// argv: format source(db|memory) out dbUri dbName participants
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { openExport } from '../../bot/exports/open-export.js';
import { parseExportRequest } from '../../bot/exports/parse-export-request.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { benchConsultation, memoryExportSource } from './generated-answers.js';

const [
  format = 'csv',
  source = 'db',
  out = '/dev/null',
  uri = '',
  dbName = '',
  participants = '0',
] = process.argv.slice(2);
const parsed = parseExportRequest(
  'answers',
  new Map<string, string[]>([
    ['format', [format === 'excel' ? 'csv' : format]],
    ...(format === 'excel' ? [['excel', ['']] satisfies [string, string[]]] : []),
  ]),
  benchConsultation,
);
if (!parsed.ok) throw new Error(parsed.problems.join('; '));
const client = new MongoClient(uri);
const db = client.db(dbName);
const started = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const output =
  out === '/dev/null'
    ? new Writable({ write: (_chunk, _encoding, done) => done() })
    : createWriteStream(out);
const opened = await openExport(
  {
    db,
    consultation: benchConsultation,
    catalog: defaultCatalog,
    secret: 'bench-secret-bench-secret-bench-secret',
    ...(source === 'memory' ? { source: memoryExportSource(Number(participants)) } : {}),
  },
  parsed.request,
  { kind: 'cli' },
);
const rows = await opened.writeTo(output);
output.end();
if (out !== '/dev/null') await once(output, 'finish');
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpu0);
await client.close();
process.stdout.write(
  `${JSON.stringify({ rows, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
