import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What a token grants: one conversation, as one user, until `exp` (seconds since the epoch).
 * `generation` is the conversation's token generation when it was issued: issuing a new token
 * for the conversation (refresh, the page's renewal) moves the conversation to the next one,
 * and the routes refuse tokens of an older generation (see conversation-token.ts).
 */
export interface TokenClaims {
  conversationId: string;
  /** The user the token is bound to (Direct Line's `user` claim); absent: the client's `from.id` stands. */
  userId?: string | undefined;
  generation: number;
  exp: number;
  iat: number;
}

export const tokenLifetimeSeconds = 3600;

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; claims?: TokenClaims };

/** A JWT's payload as we write it: Direct Line's short claim names (`conv`, `user`). */
const payloadSchema = z
  .object({
    conv: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    user: z.string().min(1).max(64).optional(),
    gen: z.int().min(0),
    iat: z.int(),
    exp: z.int(),
  })
  .strict();

const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const maxTokenLength = 2048;
const part = /^[A-Za-z0-9_-]+$/;

/**
 * Signs and checks Direct Line tokens: JWTs (HS256) like Microsoft's, whose `user` claim
 * botframework-directlinejs and Web Chat read to know who they are. Checks are strict: exactly
 * our header, a payload and a signature in canonical base64url (no `+`/`/`, no padding, no
 * unused bits, nothing after), a payload of exactly our claims.
 *
 * @example const t = tokens.sign({ conversationId: 'abc', userId: 'dl_x', generation: 0 }, now); tokens.verify(t, now).ok
 */
export function createTokenSigner(secret: string) {
  const mac = (signed: string) => createHmac('sha256', secret).update(signed).digest();
  return {
    sign(
      claims: Pick<TokenClaims, 'conversationId' | 'userId' | 'generation'>,
      now: Date,
      lifetimeSeconds = tokenLifetimeSeconds,
    ): string {
      const iat = Math.floor(now.getTime() / 1000);
      const payload = base64url(
        JSON.stringify({
          conv: claims.conversationId,
          ...(claims.userId === undefined ? {} : { user: claims.userId }),
          gen: claims.generation,
          iat,
          exp: iat + lifetimeSeconds,
        }),
      );
      const signed = `${header}.${payload}`;
      return `${signed}.${mac(signed).toString('base64url')}`;
    },
    /** Checks the signature first; an expired token still reports its claims (for the page's resume). */
    verify(token: string, now: Date): TokenCheck {
      if (typeof token !== 'string' || token.length > maxTokenLength)
        return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      const [head, payload, signature] = parts;
      if (parts.length !== 3 || head !== header || !payload || !signature)
        return { ok: false, reason: 'malformed' };
      if (!canonical(payload) || !canonical(signature)) return { ok: false, reason: 'malformed' };
      const expected = mac(`${head}.${payload}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'bad_signature' };
      const parsed = payloadSchema.safeParse(
        parseJson(Buffer.from(payload, 'base64url').toString('utf8')),
      );
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      const { conv, user, gen, iat, exp } = parsed.data;
      const claims: TokenClaims = { conversationId: conv, userId: user, generation: gen, iat, exp };
      if (exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
      return { ok: true, claims };
    },
    /**
     * A token of the format before JWTs (`base64url(json).base64url(hmac)`, generation 0), which
     * pages still hold for up to 30 days after the upgrade: only the session endpoint's resume
     * accepts it. Same strictness as `verify`.
     */
    verifyLegacy(token: string, now: Date): TokenCheck {
      if (typeof token !== 'string' || token.length > maxTokenLength)
        return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      const [payload, signature] = parts;
      if (parts.length !== 2 || !payload || !signature) return { ok: false, reason: 'malformed' };
      if (!canonical(payload) || !canonical(signature)) return { ok: false, reason: 'malformed' };
      const expected = mac(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'bad_signature' };
      const parsed = legacySchema.safeParse(
        parseJson(Buffer.from(payload, 'base64url').toString('utf8')),
      );
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      const claims: TokenClaims = { ...parsed.data, generation: 0 };
      if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
      return { ok: true, claims };
    },
  };
}

const legacySchema = z
  .object({ conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), iat: z.int(), exp: z.int() })
  .strict();

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

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Base64url that decodes and encodes back to itself: no foreign characters, no unused bits. */
function canonical(text: string): boolean {
  return part.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
