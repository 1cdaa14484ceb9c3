import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from, for rate limits. Behind one reverse proxy (TRUST_PROXY=true)
 * every request comes from the proxy: the client is then the last address the proxy added to
 * X-Forwarded-For (earlier entries are whatever the client claimed, so they are not trusted).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = Array.isArray(header) ? header.join(',') : header;
  const last = forwarded?.split(',').at(-1)?.trim();
  if (trustProxy && last) return last;
  return req.socket.remoteAddress ?? 'unknown';
}
