import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));
const dying = fileURLToPath(new URL('./dying-web-server.ts', import.meta.url));

/**
 * A web server in a child process on the run's database server: `concerto serve` itself, or
 * tests/web/dying-web-server.ts (which kills itself after a given turn). Everything it logs
 * is kept in `output`.
 */
export class WebServerProcess {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;
  baseUrl = '';

  constructor(
    kind: 'serve' | { dieAfterTurn: number; at: 'turn' | 'replies' },
    env: Record<string, string>,
  ) {
    const args = kind === 'serve' ? [bin, 'serve'] : ['--import', 'tsx', dying];
    this.child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: {
        ...process.env,
        MONGODB_URI: inject('mongoUri'),
        MONGODB_WRITE_CONCERN: '1',
        HOST: '127.0.0.1',
        PORT: '0',
        TELEGRAM_BOT_TOKEN: '',
        ...(kind === 'serve' ? {} : { DIE_AFTER_TURN: String(kind.dieAfterTurn), DIE_AT: kind.at }),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
  }

  /** Waits until it serves (its address printed, /readyz 200). */
  async ready(timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const port = /web chat at http:\/\/[\d.]+:(\d+)\//.exec(this.output)?.[1];
      if (port) {
        this.baseUrl = `http://127.0.0.1:${port}`;
        const ok = await fetch(`${this.baseUrl}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return this.baseUrl;
      }
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline)
        throw new Error(`the web server did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
