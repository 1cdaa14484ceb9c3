import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime, type Runtime, type RuntimeReminders } from '../start-runtime.js';
import { newWave, previewWave } from './plan-wave.js';
import { parseRemindArgs, remindUsage, type RemindRequest } from './remind-args.js';
import { operatorDate, planReport, progressBar, totalsText, waveLine } from './wave-report.js';

/** The terminal, as the command sees it (tests give their own). */
export interface RemindIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether stderr is a terminal: then a progress bar is drawn in place. */
  progress?: (line: string) => void;
  /** Asks a yes/no question; undefined when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
  now: () => Date;
  /** Between two looks at a running wave. */
  pauseMs?: number;
}

/** What the command uses of a runtime. */
export interface RemindRuntime extends Pick<Runtime, 'consultation' | 'catalog' | 'storage'> {
  reminders: Pick<RuntimeReminders, 'repository'>;
}

/** `concerto remind plan|send|status`: returns the exit code. */
export async function runRemindCommand(config: Config, args: string[]): Promise<number> {
  const request = parseRemindArgs(args);
  if ('help' in request) {
    process.stdout.write(remindUsage[request.help]);
    return 0;
  }
  if ('problem' in request) {
    const command = request.action ? `concerto remind ${request.action}` : 'concerto remind';
    process.stderr.write(`${command}: ${request.problem} (see ${command} --help)\n`);
    return 2;
  }
  const quiet = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const runtime = await startRuntime(config, quiet, { conversations: false });
  try {
    return await remind(runtime, request, terminalIo());
  } finally {
    await runtime.close();
  }
}

/** The command on a runtime: for tests and other front ends. */
export async function remind(
  runtime: RemindRuntime,
  request: Exclude<RemindRequest, { help: unknown } | { problem: string }>,
  io: RemindIo,
): Promise<number> {
  const { consultation, reminders } = runtime;
  const { repository } = reminders;
  if (request.action === 'status') {
    if (request.waveId === undefined) {
      const waves = await repository.listWaves({ consultationId: consultation.id });
      if (waves.length === 0) io.out('no reminder wave yet');
      for (const wave of waves) io.out(waveLine(wave));
      return 0;
    }
    return follow(runtime, request.waveId, io, false);
  }
  const preview = await previewWave(request, {
    participants: runtime.storage.participants,
    consultation,
    catalog: runtime.catalog,
    now: io.now(),
  });
  const waves = await repository.listWaves({ consultationId: consultation.id });
  if (request.action === 'plan') {
    for (const line of planReport(preview, consultation, waves, io.now())) io.out(line);
    return 0;
  }
  if (preview.queued === 0) {
    io.out(`nobody to remind (${preview.skipped} skipped): nothing sent`);
    return 0;
  }
  const when = preview.later ? operatorDate(preview.at, consultation) : 'now';
  const question = `send a reminder to ${preview.queued} participant(s) ${preview.later ? `on ${when}` : 'now'} (${preview.skipped} skipped)?`;
  if (!request.yes) {
    if (!io.confirm) {
      io.err('concerto remind send: no terminal to confirm on; add --yes to send anyway');
      return 2;
    }
    if (!(await io.confirm(question))) {
      io.out('cancelled: nothing sent');
      return 1;
    }
  }
  const wave = newWave(
    {
      origin: { kind: 'admin', by: safeUserName() },
      statuses: request.statuses,
      ...(request.councilIds ? { councilIds: request.councilIds } : {}),
    },
    consultation,
    io.now(),
  );
  await repository.createWave(wave);
  io.out(
    `wave ${wave._id} created for ${preview.queued} participant(s), to go ${preview.later ? `on ${when}` : 'now'}`,
  );
  io.out(
    `a running \`concerto serve\` sends it; follow it with: concerto remind status ${wave._id}`,
  );
  return request.wait ? follow(runtime, wave._id, io, true) : 0;
}

/** Shows a wave; while it runs, a bar on a terminal (or, waiting, nothing) until it is done. */
async function follow(
  runtime: Pick<RemindRuntime, 'reminders'>,
  waveId: string,
  io: RemindIo,
  wait: boolean,
): Promise<number> {
  const { repository } = runtime.reminders;
  for (;;) {
    const wave = await repository.wave(waveId);
    if (!wave) {
      io.err(`concerto remind status: no wave "${waveId}" (see concerto remind status)`);
      return 2;
    }
    const running = wave.state === 'planning' || wave.state === 'sending';
    if (!running || (!io.progress && !wait)) {
      io.out(waveLine(wave));
      if (running) io.out(`being sent: ${totalsText(wave)} so far`);
      return 0;
    }
    io.progress?.(progressBar(wave));
    await new Promise((resolve) => setTimeout(resolve, io.pauseMs ?? 500));
  }
}

function terminalIo(): RemindIo {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ...(process.stderr.isTTY
      ? { progress: (line: string) => process.stderr.write(`\r${line}`) }
      : {}),
    ...(interactive
      ? {
          confirm: async (question: string) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^(y|yes|o|oui)$/i.test((await rl.question(`${question} [y/N] `)).trim());
            } finally {
              rl.close();
            }
          },
        }
      : {}),
    now: () => new Date(),
  };
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
