import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the signal sent by `stop` (or from start) to the exit. */
  ms: number;
}

/**
 * `concerto serve` as a real child process: everything it writes (stdout and stderr) is kept,
 * `ready` resolves on its "Concerto is running" line, and it can be stopped with a signal or
 * killed with SIGKILL like a crash.
 */
export class ServeProcess {
  output = '';
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<Exit>;
  private signalledAt: number;

  constructor(env: Record<string, string | undefined>) {
    // An undefined value unsets the variable (MONGODB_URI of the test run, say).
    const merged = Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter(
        ([key]) => !(key in env && env[key] === undefined),
      ),
    );
    this.signalledAt = Date.now();
    this.child = spawn(process.execPath, [bin, 'serve'], {
      env: merged,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) =>
        resolve({ code, signal, ms: Date.now() - this.signalledAt }),
      ),
    );
    this.ready = new Promise((resolve, reject) => {
      const look = () => {
        if (!this.output.includes('Concerto is running')) return;
        this.child.stderr?.off('data', look);
        resolve();
      };
      this.child.stderr?.on('data', look);
      void this.exited.then((exit) =>
        reject(
          new Error(
            `serve exited (${exit.code ?? exit.signal}) before it was ready:\n${this.output}`,
          ),
        ),
      );
    });
  }

  /** Sends `signal` and resolves with the exit (its `ms` counted from now). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.signalledAt = Date.now();
    this.child.kill(signal);
    return this.exited;
  }

  /** A crash: SIGKILL, nothing runs after it. */
  async crash(): Promise<Exit> {
    return this.stop('SIGKILL');
  }
}
