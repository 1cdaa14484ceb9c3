import { cpus, totalmem } from 'node:os';
import { benchCouncils } from './bench-councils.js';
import { benchEngine } from './bench-engine.js';
import { benchMatchChoice, benchNlu } from './bench-nlu.js';

/**
 * `npm run bench`: figures for docs/BENCHMARKS.md, each with its target. Benchmarks are
 * measured here, never asserted in tests.
 */
const only = process.argv.slice(2);
const selected = (name: string) => only.length === 0 || only.includes(name);

console.log(
  `# ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}`,
);
if (selected('engine')) for (const line of benchEngine()) console.log(line);
if (selected('nlu')) {
  for (const line of await benchNlu()) console.log(line);
  for (const line of benchMatchChoice()) console.log(line);
}
if (selected('councils')) {
  for (const line of benchCouncils()) console.log(line);
  const { benchCouncilStorage } = await import('./bench-council-storage.js');
  for (const line of await benchCouncilStorage()) console.log(line);
}
if (selected('storage')) {
  const { benchStorage } = await import('./bench-storage.js');
  for (const line of await benchStorage()) console.log(line);
}
if (selected('ferretdb')) {
  const { benchFerretdb } = await import('./bench-ferretdb.js');
  for (const line of await benchFerretdb()) console.log(line);
}
if (selected('cpu')) {
  const { benchTelegramCpu } = await import('./bench-telegram-cpu.js');
  for (const line of await benchTelegramCpu()) console.log(line);
}
if (selected('telegram')) {
  const { benchTelegram } = await import('./bench-telegram.js');
  for (const line of await benchTelegram()) console.log(line);
}
if (selected('exports')) {
  const { benchExports } = await import('./bench-exports.js');
  for (const line of await benchExports()) console.log(line);
}
if (selected('synthesis')) {
  const { benchSynthesis } = await import('./bench-synthesis.js');
  for (const line of await benchSynthesis()) console.log(line);
}
// Not in the default run (minutes, a server under attack): `npm run bench -- fuzz`.
if (only.includes('fuzz')) {
  const { benchFuzz } = await import('./bench-fuzz.js');
  for (const line of await benchFuzz()) console.log(line);
}
if (selected('web')) {
  const { benchWebPage } = await import('./bench-web-page.js');
  for (const line of await benchWebPage()) console.log(line);
}
if (selected('directline')) {
  const { benchDirectline } = await import('./bench-directline.js');
  for (const line of await benchDirectline()) console.log(line);
}
if (selected('reminders')) {
  const { benchReminders } = await import('./bench-reminders.js');
  for (const line of await benchReminders()) console.log(line);
}
