import type { ChildProcess } from 'node:child_process';

/** Resolves with a description of how the child ended (exit code, signal or spawn error). */
export function whenExited(child: ChildProcess): Promise<{ code: number | null; how: string }> {
  return new Promise((resolve) => {
    child.once('error', (err) =>
      resolve({ code: null, how: `could not be started: ${err.message}` }),
    );
    child.once('exit', (code, signal) =>
      resolve({ code, how: signal ? `was killed by ${signal}` : `exited with code ${code}` }),
    );
  });
}
