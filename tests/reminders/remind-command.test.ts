// `concerto remind plan|send|status`: its arguments as a process sees them (help, one-line
// errors, exit 2), and the command on the test database with a test terminal and clock.
import { afterEach, describe, expect, it } from 'vitest';
import { remind, type RemindIo } from '../../bot/reminders/remind-command.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { reminderHarness, TestClock, type Harness } from './reminder-harness.js';
import { seedParticipants } from './seed-participants.js';
import { ConcertoProcess } from './serve-process.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function concerto(args: string[]) {
  const p = new ConcertoProcess(['remind', ...args], { DATA_DIR: '/nonexistent-not-opened' });
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

function terminal(clock: TestClock, answer?: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const bars: string[] = [];
  const asked: string[] = [];
  const io: RemindIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    progress: (line) => bars.push(line),
    ...(answer === undefined
      ? {}
      : {
          confirm: (question: string) => {
            asked.push(question);
            return Promise.resolve(answer);
          },
        }),
    now: clock.now,
    pauseMs: 20,
  };
  return { io, out, err, bars, asked };
}

describe('concerto remind, as a process', () => {
  it('has --help on each action, and answers a bad flag in one line with exit 2', async () => {
    const [all, plan, send, status, bad, unknown] = await Promise.all([
      concerto(['--help']),
      concerto(['plan', '--help']),
      concerto(['send', '--help']),
      concerto(['status', '--help']),
      concerto(['send', '--council', 'A01', '--bogus']),
      concerto(['resend']),
    ]);
    expect(all).toMatchObject({ code: 0, stdout: expect.stringMatching(/plan\|send\|status/) });
    expect(plan).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Usage: concerto remind plan/),
    });
    expect(send).toMatchObject({ code: 0, stdout: expect.stringMatching(/--yes/) });
    expect(status).toMatchObject({ code: 0, stdout: expect.stringMatching(/progress bar/) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "concerto remind send: Unknown option '--bogus' (see concerto remind send --help)\n",
    );
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown action "resend"/),
    });
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});

describe('concerto remind on the database', () => {
  // Finished participants are not looked at (they are not targets); opted-out ones are, and
  // show as skipped.
  it('plans without writing, sends only once confirmed, then shows the totals', async () => {
    const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));
    harness = await reminderHarness({ clock });
    const h = harness;
    await seedParticipants(h.database.db, [
      { chatId: 1001, councilId: 'A01', status: 'not_started' },
      { chatId: 1002, councilId: 'A01', themesDone: 4 },
      { chatId: 1003, councilId: 'B02', lang: 'en', themesDone: 1 },
      { chatId: 1004, councilId: 'B02', remindersOff: true },
      { chatId: 1005, councilId: 'B02', status: 'completed' },
    ]);
    const runtime = {
      consultation: h.consultation,
      catalog: defaultCatalog,
      storage: h.storage,
      reminders: { repository: h.repository },
    };
    const statuses = ['not_started' as const, 'in_progress' as const];

    const plan = terminal(clock);
    expect(await remind(runtime, { action: 'plan', statuses }, plan.io)).toBe(0);
    const report = plan.out.join('\n');
    expect(report).toMatch(/would reach 3 participant\(s\) and skip 1/);
    expect(report).toMatch(/^A01 +1 +1 +-$/m);
    expect(report).toMatch(/^B02 +0 +1 +opted_out 1$/m);
    expect(report).toMatch(/sample \(en\):[\s\S]*5 December 2017/);
    expect(await h.repository.listWaves()).toEqual([]);

    // No terminal and no --yes: refused. Declined: nothing written either.
    const blind = terminal(clock);
    const send = { action: 'send' as const, statuses, yes: false, wait: false };
    expect(await remind(runtime, send, blind.io)).toBe(2);
    expect(blind.err).toEqual([
      'concerto remind send: no terminal to confirm on; add --yes to send anyway',
    ]);
    const declined = terminal(clock, false);
    expect(await remind(runtime, { ...send, councilIds: ['B02'] }, declined.io)).toBe(1);
    expect(declined.asked).toEqual(['send a reminder to 1 participant(s) now (1 skipped)?']);
    expect(await h.repository.listWaves()).toEqual([]);

    const accepted = terminal(clock, true);
    const waiting = remind(runtime, { ...send, wait: true }, accepted.io);
    // `serve` (here: a sender in the test) picks up the wave the command created.
    const service = h.service();
    let waves = await h.repository.listWaves();
    while (waves.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      waves = await h.repository.listWaves();
    }
    await service.drain();
    expect(await waiting).toBe(0);
    expect(accepted.out.join('\n')).toMatch(/created for 3 participant\(s\), to go now/);
    expect(accepted.out.at(-1)).toMatch(
      /admin +all councils +done +planned 4: sent 3, held 0, skipped 1, failed 0, uncertain 0$/,
    );
    expect([1001, 1002, 1003, 1004, 1005].map((c) => h.sentTo(c).length)).toEqual([1, 1, 1, 0, 0]);

    const status = terminal(clock);
    expect(await remind(runtime, { action: 'status' }, status.io)).toBe(0);
    expect(status.out).toHaveLength(1);
    const id = waves[0]?._id ?? '';
    expect(await remind(runtime, { action: 'status', waveId: id }, status.io)).toBe(0);
    expect(status.out.at(-1)).toMatch(/sent 3/);
    const missing = terminal(clock);
    expect(await remind(runtime, { action: 'status', waveId: 'nope' }, missing.io)).toBe(2);
    expect(missing.err).toEqual([
      'concerto remind status: no wave "nope" (see concerto remind status)',
    ]);
  });

  it('draws a progress bar while a wave is being sent, then prints its totals', async () => {
    const clock = new TestClock(new Date('2017-11-28T10:00:00+01:00'));
    harness = await reminderHarness({ clock, rate: 20 });
    const h = harness;
    await seedParticipants(
      h.database.db,
      Array.from({ length: 20 }, (_, i) => ({ chatId: 1100 + i })),
    );
    const service = h.service({ workers: 1 });
    const wave = await service.request({
      origin: { kind: 'admin' },
      statuses: ['not_started', 'in_progress'],
    });
    const sending = service.drain();
    const runtime = {
      consultation: h.consultation,
      catalog: defaultCatalog,
      storage: h.storage,
      reminders: { repository: h.repository },
    };
    while ((await h.wave(wave._id)).state !== 'sending')
      await new Promise((resolve) => setTimeout(resolve, 10));
    const shown = terminal(clock);
    expect(await remind(runtime, { action: 'status', waveId: wave._id }, shown.io)).toBe(0);
    await sending;
    expect(shown.bars.length).toBeGreaterThan(1);
    expect(shown.bars[0]).toMatch(/^\[[#.]{30}\] +\d+% {2}\d+\/20$/);
    expect(shown.out.at(-1)).toMatch(/done +planned 20: sent 20/);
  });
});
