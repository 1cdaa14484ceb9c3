import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response line; 0 when the connection closed without one. */
  status: number;
  text: string;
}

/**
 * Sends bytes exactly as given (fetch would normalise `//` or `/\`) and reads what comes back
 * until the server closes the connection or a response with its body has arrived.
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  options: { endAfterWrite?: boolean; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : 0, text });
    };
    const timer = setTimeout(done, options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (complete(text)) done();
    });
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer was read is the server closing: the answer counts.
      if (text !== '' || error.code === 'ECONNRESET' || error.code === 'EPIPE') done();
      else reject(error);
    });
    socket.write(bytes);
    if (options.endAfterWrite) socket.end();
  });
}

function complete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  // 101 Switching Protocols (a WebSocket accepted): what follows is no longer HTTP.
  if (/^HTTP\/1\.[01] 1\d\d/.test(text)) return true;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  if (length !== undefined)
    return Buffer.byteLength(text.slice(end + 4), 'latin1') >= Number(length);
  return /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end))
    ? text.endsWith('0\r\n\r\n')
    : false;
}
