import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ChatLine {
  type: 'message' | 'event';
  text?: string;
  name?: string;
  choices?: { id: string; label: string }[];
  progress?: { theme: number; themes: number; question: number; questions: number };
}

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

/**
 * `concerto chat --json` as a child process, driven like a conversation:
 * `await chat.send('oui'); await chat.expectMessage(/conseil citoyen/)`.
 */
export class ChatProcess {
  readonly lines: ChatLine[] = [];
  private read = 0;
  private waiters: (() => void)[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [bin, 'chat', '--json', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(JSON.parse(line));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  send(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  /** Waits for the next message matching `pattern` (skipping others), up to `timeoutMs`. */
  async expectMessage(pattern: RegExp, timeoutMs = 20_000): Promise<ChatLine> {
    return this.next(
      (line) => line.type === 'message' && pattern.test(line.text ?? ''),
      `a message matching ${pattern}`,
      timeoutMs,
    );
  }

  async expectEvent(name: string, timeoutMs = 20_000): Promise<ChatLine> {
    return this.next(
      (line) => line.type === 'event' && line.name === name,
      `the event ${name}`,
      timeoutMs,
    );
  }

  private async next(
    test: (line: ChatLine) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<ChatLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.lines.length) {
        const line = this.lines[this.read];
        this.read += 1;
        if (line && test(line)) return line;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${what}; got:\n${JSON.stringify(this.lines.slice(-5), null, 1)}\nstderr: ${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}
