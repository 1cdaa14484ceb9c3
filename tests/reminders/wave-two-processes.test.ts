// A wave of 3,000 reminders sent by two `concerto serve` processes on one database at once,
// to the local Bot API that refuses (429) any message beyond 30 in 1,000 ms: each participant
// gets exactly one, both processes take part, and together they keep to 30/s, since they
// book their slots from one budget in the database. About two minutes (103 s at 29/s); it
// runs in parallel with the rest of the suite, as wave-at-limit and wave-killed do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limit, noStorm, participants, WaveScenario } from './wave-scenario.js';

let scenario: WaveScenario;
const name = 'wave-two-processes';
let line = '';

beforeEach(async () => {
  scenario = await WaveScenario.start();
}, 60_000);

afterEach(async () => {
  const seconds = await scenario.close();
  console.log(`${line}; file wall time ${seconds.toFixed(0)} s`);
});

describe(`a wave of ${participants} reminders at ${limit}/s`, () => {
  it('sent by two processes at once: none twice, within the limit together', async () => {
    const [one, two] = [scenario.serve(), scenario.serve()];
    await Promise.all([one.running(), two.running()]);
    const waveId = await scenario.createWave();
    await scenario.untilDone(waveId);

    const per = scenario.receivedPerChat();
    const all = await scenario.deliveries(waveId);
    line = scenario.summary(name, all.filter((d) => d.state === 'uncertain').length);
    expect(per.size).toBe(participants);
    expect([...per.values()].filter((n) => n > 1)).toEqual([]);
    expect(all.map((d) => d.state).filter((s) => s !== 'sent')).toEqual([]);
    // Both took part (each claimed blocks), and together they kept to the shared budget.
    const owners = new Set(all.map((d) => d.by ?? ''));
    expect(owners.size).toBe(2);
    expect(scenario.fake.floodRefusals).toBeLessThanOrEqual(noStorm);
    expect(scenario.busiestSecond('accepted')).toBeLessThanOrEqual(limit);
    expect(scenario.busiestSecond('attempted')).toBeLessThanOrEqual(
      limit + scenario.fake.floodRefusals,
    );
  }, 600_000);
});
