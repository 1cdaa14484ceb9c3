import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenSignerFor } from '../../bot/web/directline-token.js';
import { continuationCodeOf } from '../../dialogs/continuation-step.js';

const now = new Date('2017-11-23T09:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const claims = { conversationId: 'conv-1', userId: 'dl_abc', generation: 3 };
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The JSON of a JWT part, as Web Chat's jwt-decode reads it. */
function decodePart(token: string, index: number): unknown {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

describe('Direct Line tokens', () => {
  const tokens = tokenSignerFor('secret-a');

  it('are JWTs naming their user the way Direct Line does (Web Chat reads `user`)', () => {
    const token = tokens.sign(claims, now);
    expect(token.split('.')).toHaveLength(3);
    expect(decodePart(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodePart(token, 1)).toMatchObject({ conv: 'conv-1', user: 'dl_abc', gen: 3 });
    // HS256 over "header.payload" with the signer's key, as any JWT library checks it.
    const key = createHmac('sha256', 'secret-a').update('concerto directline tokens').digest('hex');
    const [head, payload, signature] = token.split('.');
    const expected = createHmac('sha256', key).update(`${head}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
  });

  it('verify within their hour, for their conversation and user', () => {
    const check = tokens.verify(tokens.sign(claims, now), later(3599));
    expect(check).toMatchObject({
      ok: true,
      claims: { conversationId: 'conv-1', userId: 'dl_abc', generation: 3 },
    });
    const unbound = tokens.verify(tokens.sign({ conversationId: 'c', generation: 0 }, now), now);
    expect(unbound).toMatchObject({ ok: true, claims: { conversationId: 'c' } });
    expect(unbound.ok && unbound.claims.userId).toBeUndefined();
  });

  it('expire, still naming their conversation (for the page’s resume)', () => {
    expect(tokens.verify(tokens.sign(claims, now), later(3600))).toMatchObject({
      ok: false,
      reason: 'expired',
      claims: { conversationId: 'conv-1' },
    });
  });

  it('refuse other secrets, edits and garbage', () => {
    const token = tokens.sign(claims, now);
    expect(tokenSignerFor('secret-b').verify(token, now)).toMatchObject({
      reason: 'bad_signature',
    });
    const [head, , signature] = token.split('.');
    const edited = Buffer.from(
      JSON.stringify({ conv: 'conv-2', user: 'dl_abc', gen: 3, iat: 0, exp: 9e9 }),
    ).toString('base64url');
    expect(tokens.verify(`${head}.${edited}.${signature}`, now)).toMatchObject({
      reason: 'bad_signature',
    });
    expect(tokens.verify(head ?? '', now)).toMatchObject({ reason: 'malformed' });
    expect(tokens.verify('', now)).toMatchObject({ ok: false });
    expect(tokens.verify('a.b.c.d', now)).toMatchObject({ reason: 'malformed' });
  });

  it('accept only the canonical spelling: no +, /, padding, unused bits or trailing junk', () => {
    const token = tokens.sign(claims, now);
    expect(tokens.verify(token, now).ok).toBe(true);
    const [head = '', payload = '', signature = ''] = token.split('.');
    // The last character of a 32-byte signature carries 2 unused bits: another letter decodes
    // to the same bytes, and must still be refused.
    const last = signature.at(-1) ?? 'A';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    const sameBytes = `${signature.slice(0, -1)}${twin}`;
    expect(Buffer.from(sameBytes, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
    const variants = [
      `${head}.${payload}.${sameBytes}`,
      `${head}.${payload}.${signature}=`,
      `${head}.${payload}.${signature}x`,
      `${head}.${payload}.${signature}.`,
      `${head}.${payload}.${signature} `,
      ` ${token}`,
      `${head}.${payload}=.${signature}`,
      `${head}.${payload}.`,
    ];
    // A signature that uses + or /: found by changing the claims until one does.
    for (let generation = 0; generation < 200; generation += 1) {
      const other = tokens.sign({ ...claims, generation }, now);
      const sig = other.split('.')[2] ?? '';
      if (!/[-_]/.test(sig)) continue;
      variants.push(other.replace(/[-_](?=[^.]*$)/, (c) => (c === '-' ? '+' : '/')));
      break;
    }
    expect(variants.length).toBe(9);
    for (const variant of variants) expect(tokens.verify(variant, now).ok, variant).toBe(false);
  });

  it('refuse another algorithm or extra claims, even signed', () => {
    const key = createHmac('sha256', 'secret-a').update('concerto directline tokens').digest('hex');
    const forge = (header: object, payload: object) => {
      const h = Buffer.from(JSON.stringify(header)).toString('base64url');
      const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
    };
    const good = { conv: 'conv-1', user: 'dl_abc', gen: 0, iat: 1, exp: 9e9 };
    expect(tokens.verify(forge({ alg: 'HS256', typ: 'JWT' }, good), now).ok).toBe(true);
    expect(tokens.verify(forge({ alg: 'none', typ: 'JWT' }, good), now).ok).toBe(false);
    expect(tokens.verify(forge({ typ: 'JWT', alg: 'HS256' }, good), now).ok).toBe(false);
    expect(
      tokens.verify(forge({ alg: 'HS256', typ: 'JWT' }, { ...good, admin: true }), now),
    ).toMatchObject({
      reason: 'malformed',
    });
  });

  it('still read a token of the format before JWTs, only through verifyLegacy', () => {
    const key = createHmac('sha256', 'secret-a').update('concerto directline tokens').digest('hex');
    const payload = Buffer.from(
      JSON.stringify({ conversationId: 'conv-1', iat: 1, exp: 9e9 }),
    ).toString('base64url');
    const legacy = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    expect(tokens.verify(legacy, now).ok).toBe(false);
    expect(tokens.verifyLegacy(legacy, now)).toMatchObject({
      ok: true,
      claims: { conversationId: 'conv-1', generation: 0 },
    });
    expect(tokens.verifyLegacy(`${legacy}x`, now).ok).toBe(false);
    expect(tokenSignerFor('secret-b').verifyLegacy(legacy, now).ok).toBe(false);
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
