import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ClientFact = {
  uri?: string;
  port?: number;
  event?: 'lost' | 'restored';
  how?: string;
  stopped?: boolean;
};

const script = fileURLToPath(new URL('./embedded-server-client.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** tests/helpers/embedded-server-client.ts as a child process: another user of the server. */
export class ServerClientProcess {
  readonly facts: ClientFact[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  stderr = '';
  private waiters: (() => void)[] = [];

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { cwd: repoRoot });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.facts.push(JSON.parse(line));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** The first fact matching `test`, waiting up to timeoutMs for it. */
  async next(test: (fact: ClientFact) => boolean, timeoutMs = 60_000): Promise<ClientFact> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.facts.find(test);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`no such fact; got ${JSON.stringify(this.facts)}; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        this.child.once('exit', () => resolve());
      });
    }
  }

  async ready(): Promise<{ uri: string; port: number }> {
    const fact = await this.next((f) => f.uri !== undefined);
    return { uri: fact.uri ?? '', port: fact.port ?? 0 };
  }

  async stop(): Promise<void> {
    this.child.stdin.write('stop\n');
    await this.next((f) => f.stopped === true);
    await this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
