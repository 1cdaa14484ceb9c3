import type { Writable } from 'node:stream';

/**
 * Resolves when `stream` wants more (`drain`); rejects if `output` (the end of the pipe: a
 * file, an HTTP response) closes or fails first — a client that went away must stop the
 * export, not leave it waiting for ever.
 */
export function waitForDrain(stream: Writable, output: Writable = stream): Promise<void> {
  if (output.destroyed) return Promise.reject(new OutputClosedError());
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      output.off('close', onClose);
      output.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new OutputClosedError());
    const onError = (error: Error) => done(error);
    stream.on('drain', onDrain);
    output.on('close', onClose);
    output.on('error', onError);
  });
}

/** The reader of an export went away before its end. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
  constructor() {
    super('the output was closed before the export ended');
  }
}
