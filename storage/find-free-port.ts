import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on `host` (listen on port 0, read it, close). Given a `port`,
 * checks that it is free instead: resolves with it, or rejects with EADDRINUSE.
 */
export function findFreePort(host = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((err) => {
        if (err) reject(err);
        else if (bound > 0) resolve(bound);
        else reject(new Error('findFreePort: the OS returned no port'));
      });
    });
  });
}
