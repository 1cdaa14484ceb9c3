import { CouncilIndex } from '../../bot/council-index.js';
import { derivedInvitationCode } from '../../storage/invitation-code.js';
import { referenceCouncils } from '../../storage/reference-councils.js';
import { quantile } from './quantile.js';

/** What residents type at the council step: names with typos, codes, départements, sentences. */
const queries = [
  'roubais',
  'Roubaix',
  'st denis',
  'Saint-Denis',
  'epinay sur seine',
  'la courneuve',
  'courneuve',
  '93200',
  '59100',
  '59512',
  '75019',
  '59',
  '2A',
  'Nord',
  'Seine-Saint-Denis',
  'seine st denis',
  'quartier des provinces',
  "j'habite à Tourcoing",
  'grande reyssouze terre des fleurs',
  'marseile',
  'xyzzy qwerty',
  'val de reuil',
];
const searches = 5_000;
const warmUp = 500;

/** Search latency over the whole reference list (1,493 councils), and building the index. */
export function benchCouncils(): string[] {
  const councils = referenceCouncils().map(({ code, ...row }) => ({
    ...row,
    id: code,
    invitationCodes: [derivedInvitationCode(code)],
  }));
  const ms = (value: number) => value.toFixed(2);
  // Built as a reload after an import builds it, in one go on the event loop.
  const builds: number[] = [];
  let index = new CouncilIndex();
  for (let i = 0; i < 10; i += 1) {
    const start = performance.now();
    index = new CouncilIndex(councils);
    builds.push(performance.now() - start);
  }
  builds.sort((a, b) => a - b);
  for (let i = 0; i < warmUp; i += 1) index.search(queries[i % queries.length] ?? '', 6);
  const durations: number[] = [];
  let found = 0;
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < searches; i += 1) {
    const text = queries[(i * 7) % queries.length] ?? '';
    const start = performance.now();
    const result = index.search(text, 6);
    durations.push(performance.now() - start);
    if (result.total > 0) found += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / searches;
  durations.sort((a, b) => a - b);
  return [
    `councils.index ${index.size} councils built in median ${ms(quantile(builds, 0.5))} ms, ` +
      `slowest ${ms(builds.at(-1) ?? 0)} ms (once per import; blocks the event loop that long)`,
    `councils.search median ${ms(quantile(durations, 0.5))} ms, p99 ${ms(quantile(durations, 0.99))} ms, ` +
      `max ${ms(quantile(durations, 1))} ms over ${searches} searches of ${queries.length} kinds ` +
      `(${found} found something), CPU ${ms(cpuMs)} ms per search (target: p99 < 5 ms)`,
  ];
}
