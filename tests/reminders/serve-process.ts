import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

/** `concerto <args>` as a child process of the test, with its own environment. */
export class ConcertoProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  stdout = '';
  stderr = '';

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves once `concerto serve` says it is running (its sender has started). */
  async running(timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.stderr.includes('Concerto is running')) {
      if (this.child.exitCode !== null || performance.now() > deadline)
        throw new Error(`concerto serve did not start:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: no cleanup at all, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** The environment of a bot process on the test's database, talking to the fake Bot API. */
export function botEnvironment(options: {
  mongoUri: string;
  db: string;
  dataDir: string;
  token: string;
  apiRoot: string;
  rate: number;
  leaseSeconds?: number;
  workers?: number;
}): Record<string, string> {
  return {
    MONGODB_URI: options.mongoUri,
    MONGODB_DB: options.db,
    MONGODB_WRITE_CONCERN: '1',
    DATA_DIR: options.dataDir,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    TELEGRAM_BOT_TOKEN: options.token,
    TELEGRAM_API_ROOT: options.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: 'test-secret_0123456789',
    CONSULTATION_OPENS_AT: '2017-11-22T00:00:00+01:00',
    CONSULTATION_CLOSES_AT: '2099-12-05T23:59:59+01:00',
    // Whatever the hour the tests run at: no quiet hours here (they are tested on a test clock).
    REMINDER_QUIET_HOURS: 'off',
    REMINDER_RATE: String(options.rate),
    REMINDER_LEASE_SECONDS: String(options.leaseSeconds ?? 2),
    REMINDER_WORKERS: String(options.workers ?? 8),
    REMINDER_POLL_SECONDS: '0.5',
  };
}
