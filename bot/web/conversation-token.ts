import type { DirectLineConversation, DirectLineStore } from './directline-store.js';
import type { TokenCheck, TokenClaims, TokenSigner } from './directline-token.js';

export interface TokenRefusal {
  status: 401 | 403 | 404;
  code: 'TokenInvalid' | 'TokenExpired' | 'BadArgument';
  message: string;
}

export type ConversationTokenCheck =
  | { ok: true; conversation: DirectLineConversation; claims: TokenClaims }
  | ({ ok: false } & TokenRefusal);

export interface TokenCheckOptions {
  /** Accept a token this long after it expired (the page's resume). */
  expiredGraceSeconds?: number;
  /** Accept a token of the generation before the current one (the page's resume, see web-session-route.ts). */
  previousGeneration?: boolean;
  /** Accept the format before JWTs (the page's resume, for a month after the upgrade). */
  legacy?: boolean;
}

/**
 * The conversation a Direct Line token may act on: a valid signature, not expired, of the
 * conversation's current generation (a refreshed token replaces the old one), for the user
 * the conversation is bound to. One read by `_id`. Routes authenticated by the page's token
 * (Direct Line, the stream, Web Push subscriptions) use this rather than `tokens.verify`
 * alone, which cannot know that a token was replaced.
 *
 * @example const check = await checkConversationToken(repo, tokens, bearer, new Date());
 */
export async function checkConversationToken(
  repo: Pick<DirectLineStore, 'findConversation'>,
  tokens: TokenSigner,
  token: string,
  now: Date,
  options: TokenCheckOptions = {},
): Promise<ConversationTokenCheck> {
  const { check, legacy } = verifyAny(tokens, token, now, options.legacy === true);
  const claims = check.ok || check.reason === 'expired' ? check.claims : undefined;
  if (!claims) return refuse(401, 'TokenInvalid', 'invalid token');
  if (!check.ok) {
    const grace = options.expiredGraceSeconds ?? 0;
    if (claims.exp + grace <= now.getTime() / 1000)
      return refuse(403, 'TokenExpired', 'token expired');
  }
  const conversation = await repo.findConversation(claims.conversationId, now);
  if (!conversation) return refuse(404, 'BadArgument', 'conversation not found');
  const current = conversation.tokenGeneration;
  const acceptable =
    claims.generation === current ||
    (options.previousGeneration === true && claims.generation === current - 1);
  if (!acceptable) return refuse(403, 'TokenInvalid', 'token replaced by a newer one');
  // Tokens of before JWTs named no user: their conversation's user is the one they were for.
  const bound = legacy ? conversation.userId : claims.userId;
  if (conversation.endedAt === undefined && bound !== conversation.userId)
    return refuse(403, 'TokenInvalid', 'token not valid for this user');
  return { ok: true, conversation, claims };
}

function verifyAny(
  tokens: TokenSigner,
  token: string,
  now: Date,
  acceptLegacy: boolean,
): { check: TokenCheck; legacy: boolean } {
  const check = tokens.verify(token, now);
  if (!acceptLegacy || check.ok || check.reason !== 'malformed') return { check, legacy: false };
  return { check: tokens.verifyLegacy(token, now), legacy: true };
}

function refuse(
  status: TokenRefusal['status'],
  code: TokenRefusal['code'],
  message: string,
): ConversationTokenCheck {
  return { ok: false, status, code, message };
}
