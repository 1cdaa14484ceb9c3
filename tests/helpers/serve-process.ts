import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The sources' entry (through tsx) and the compiled one (`npm run build`). */
export const sourceBin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));
export const distBin = fileURLToPath(new URL('../../dist/bin/concerto.js', import.meta.url));

export interface ServeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the signal `stop` sent to the exit. */
  ms: number;
}

/**
 * `concerto serve` as a real child process on PORT=0: `ready` resolves with its base URL from
 * its "Concerto is running" line; everything it writes is kept in `output`. An `undefined` in
 * `env` unsets that variable of the test run (MONGODB_URI, say).
 */
export class ServeProcess {
  output = '';
  readonly child: ChildProcess;
  readonly ready: Promise<string>;
  readonly exited: Promise<ServeExit>;
  private signalledAt = Date.now();

  constructor(env: Record<string, string | undefined>, bin = sourceBin) {
    const merged = Object.fromEntries(
      Object.entries({ ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
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
        const match = /Concerto is running: web chat at (http:\/\/[^/\s]+)\//.exec(this.output);
        if (!match?.[1]) return;
        this.child.stderr?.off('data', look);
        resolve(match[1]);
      };
      this.child.stderr?.on('data', look);
      void this.exited.then((exit) =>
        reject(
          new Error(`serve exited (${exit.code ?? exit.signal}) before ready:\n${this.output}`),
        ),
      );
    });
  }

  /** Sends `signal` and resolves with the exit, its `ms` counted from now. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ServeExit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.signalledAt = Date.now();
    this.child.kill(signal);
    return this.exited;
  }

  /** A crash: SIGKILL, nothing runs after it. */
  async crash(): Promise<ServeExit> {
    return this.stop('SIGKILL');
  }
}
