// A wave of 3,000 reminders at Telegram's 30/s (the local Bot API refuses more with 429), its
// `concerto serve` killed with SIGKILL twice in the middle and started again: nobody gets a
// reminder twice and nobody is missed. A kill between a claim and its record leaves that
// delivery `uncertain` (maybe sent, so never sent again); the test counts those apart. About
// two minutes (103 s of sending at 29/s, plus two lease expiries); it runs in parallel with
// the rest of the suite, as wave-at-limit and wave-two-processes do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatOf, limit, noStorm, participants, WaveScenario, workers } from './wave-scenario.js';

let scenario: WaveScenario;
const name = 'wave-killed';
let line = '';

beforeEach(async () => {
  scenario = await WaveScenario.start();
}, 60_000);

afterEach(async () => {
  const seconds = await scenario.close();
  console.log(`${line}; file wall time ${seconds.toFixed(0)} s`);
});

describe(`a wave of ${participants} reminders at ${limit}/s`, () => {
  it('killed twice mid-wave (SIGKILL) and restarted: none twice, none missed', async () => {
    const waveId = await scenario.createWave();
    let bot = scenario.serve();
    await bot.running();
    await scenario.untilSent(Math.round(participants * 0.27));
    await bot.kill();
    bot = scenario.serve();
    await bot.running();
    await scenario.untilSent(Math.round(participants * 0.6));
    await bot.kill();
    bot = scenario.serve();
    await bot.running();
    await scenario.untilDone(waveId);

    const per = scenario.receivedPerChat();
    const all = await scenario.deliveries(waveId);
    const uncertain = all.filter((d) => d.state === 'uncertain');
    const unsure = uncertain.filter((d) => !per.has(chatOf(d)));
    line = `${scenario.summary(name, uncertain.length)} (${unsure.length} of them not received)`;
    expect(all).toHaveLength(participants);
    expect([...per.values()].filter((n) => n > 1)).toEqual([]);
    const missed = all.filter((d) => d.state !== 'uncertain' && !per.has(chatOf(d)));
    expect(missed).toEqual([]);
    expect(all.filter((d) => d.state !== 'sent' && d.state !== 'uncertain')).toEqual([]);
    // A kill lands between a claim and its record for at most one delivery per block in
    // flight (REMINDER_WORKERS) per kill; such a one is not sent again, whether it arrived.
    expect(uncertain.length).toBeLessThanOrEqual(2 * workers);
    expect(per.size + unsure.length).toBe(participants);
    // Restarts do not burst: the budget is in the database, not in the killed process.
    expect(scenario.fake.floodRefusals).toBeLessThanOrEqual(noStorm);
    expect(scenario.busiestSecond('attempted')).toBeLessThanOrEqual(
      limit + scenario.fake.floodRefusals,
    );
  }, 600_000);
});
