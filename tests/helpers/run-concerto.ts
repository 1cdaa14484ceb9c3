import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `concerto …` as an operator runs it, on the given database of the test server. */
export function runConcerto(
  args: readonly string[],
  dbName: string,
  env: Record<string, string> = {},
): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          ...process.env,
          MONGODB_URI: inject('mongoUri'),
          MONGODB_DB: dbName,
          LOG_LEVEL: 'warn',
          ...env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
