import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { clientAddress } from '../../bot/http/client-address.js';

function request(remote: string, forwardedFor?: string): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: remote });
  const req = new IncomingMessage(socket);
  if (forwardedFor !== undefined) req.headers['x-forwarded-for'] = forwardedFor;
  return req;
}

describe('clientAddress', () => {
  it('uses the socket address unless the proxy is trusted', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), false)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1'), true)).toBe('127.0.0.1');
  });

  it('behind a trusted proxy, takes the address the proxy added, not what the client claimed', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1', '1.2.3.4, 203.0.113.7'), true)).toBe('203.0.113.7');
  });

  it('reads TRUST_PROXY from the configuration, refusing other values', () => {
    const on = parseConfig({ TRUST_PROXY: 'true' });
    expect(on.ok && on.config.TRUST_PROXY).toBe(true);
    const off = parseConfig({});
    expect(off.ok && off.config.TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'yes please' }).ok).toBe(false);
  });
});
