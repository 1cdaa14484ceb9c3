import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a token grants: one conversation, until `exp` (seconds since the epoch). */
export interface TokenClaims {
  conversationId: string;
  exp: number;
  iat: number;
}

const claimsSchema = z.object({ conversationId: z.string().min(1), exp: z.int(), iat: z.int() });

export const tokenLifetimeSeconds = 3600;

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; claims?: TokenClaims };

/**
 * Signs and checks Direct Line tokens: `base64url(json).base64url(hmac-sha256)`. Not a JWT:
 * nothing but this server reads them, and the client library treats them as opaque.
 *
 * @example const t = tokens.sign('abc', now); tokens.verify(t, now).ok === true
 */
export function createTokenSigner(secret: string) {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest();
  return {
    sign(conversationId: string, now: Date, lifetimeSeconds = tokenLifetimeSeconds): string {
      const iat = Math.floor(now.getTime() / 1000);
      const payload = Buffer.from(
        JSON.stringify({ conversationId, iat, exp: iat + lifetimeSeconds }),
      ).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    /** Checks the signature first; an expired token still reports its claims (for renewal). */
    verify(token: string, now: Date): TokenCheck {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
      const expected = mac(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'bad_signature' };
      const parsed = claimsSchema.safeParse(
        parseJson(Buffer.from(payload, 'base64url').toString('utf8')),
      );
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      if (parsed.data.exp * 1000 <= now.getTime())
        return { ok: false, reason: 'expired', claims: parsed.data };
      return { ok: true, claims: parsed.data };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** The signer for a Direct Line secret: tokens are signed with a key derived from it, never with the secret itself. */
export function tokenSignerFor(secret: string): TokenSigner {
  return createTokenSigner(
    createHmac('sha256', secret).update('concerto directline tokens').digest('hex'),
  );
}

/** The bearer token of a request, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
