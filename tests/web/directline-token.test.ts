import { describe, expect, it } from 'vitest';
import { tokenSignerFor } from '../../bot/web/directline-token.js';
import { continuationCodeOf } from '../../dialogs/continuation-step.js';

const now = new Date('2017-11-23T09:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('Direct Line tokens', () => {
  const tokens = tokenSignerFor('secret-a');

  it('verify within their hour, for their conversation', () => {
    const check = tokens.verify(tokens.sign('conv-1', now), later(3599));
    expect(check).toMatchObject({ ok: true, claims: { conversationId: 'conv-1' } });
  });

  it('expire, still naming their conversation (for renewal)', () => {
    expect(tokens.verify(tokens.sign('conv-1', now), later(3600))).toMatchObject({
      ok: false,
      reason: 'expired',
      claims: { conversationId: 'conv-1' },
    });
  });

  it('refuse other secrets, edits and garbage', () => {
    const token = tokens.sign('conv-1', now);
    expect(tokenSignerFor('secret-b').verify(token, now)).toMatchObject({
      reason: 'bad_signature',
    });
    const [payload, signature] = token.split('.');
    const edited = Buffer.from(
      JSON.stringify({ conversationId: 'conv-2', iat: 0, exp: 9e9 }),
    ).toString('base64url');
    expect(tokens.verify(`${edited}.${signature}`, now)).toMatchObject({ reason: 'bad_signature' });
    expect(tokens.verify(`${payload}`, now)).toMatchObject({ reason: 'malformed' });
    expect(tokens.verify('', now)).toMatchObject({ ok: false });
  });
});

describe('continuationCodeOf', () => {
  it('reads a code typed exactly, in any case, with any dash', () => {
    expect(continuationCodeOf(' abcd-efgh ')).toBe('ABCDEFGH');
    expect(continuationCodeOf('K7PM–QX3D')).toBe('K7PMQX3D');
  });

  it('never takes an ordinary answer for a code', () => {
    for (const text of [
      'vacances',
      'ABCDEFGH',
      'pour tous',
      'ABCD-EFG',
      'ABCD-EFGHI',
      'AB1D-EFGH',
      'OUI-NON',
    ]) {
      expect(continuationCodeOf(text)).toBeUndefined();
    }
  });
});
