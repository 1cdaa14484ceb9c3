import { z } from 'zod';
import { clientAddress } from '../http/client-address.js';
import { sendJson, type Route } from '../http/create-http-server.js';
import { fail, readBody } from './read-body.js';
import { tokenLifetimeSeconds, type TokenSigner } from './directline-token.js';
import type { RateLimiter } from './rate-limiter.js';
import type { DirectLineStore } from './directline-store.js';

/** An old token still proves its conversation this long after it expired (a phone back days later). */
export const resumeWindowSeconds = 30 * 86_400;

const sessionRequestSchema = z.object({ token: z.string().max(1000).optional() });

/**
 * `POST /web/session`: the chat page's Direct Line token. Without a body token: a new
 * conversation. With the page's previous token (even expired, up to 30 days): a fresh token
 * for the same conversation. The proof is the signed token itself, so only the phone that held
 * it can come back; a forged or foreign one is refused. Rate-limited per address.
 */
export function webSessionRoute(
  repo: DirectLineStore,
  tokens: TokenSigner,
  limits: { create: RateLimiter; renew: RateLimiter },
  trustProxy = false,
): Route {
  return {
    method: 'POST',
    path: '/web/session',
    async handle(req, res) {
      const body = await readBody(req, res, 4096);
      if (body === undefined) return;
      const parsed = sessionRequestSchema.safeParse(body);
      if (!parsed.success) return void fail(res, 400, 'BadArgument', 'expected { token? }');
      // New conversations are what a flood would create; renewals get a looser limit.
      const limiter = parsed.data.token ? limits.renew : limits.create;
      const address = clientAddress(req, trustProxy);
      if (!limiter.take(address)) {
        const retryAfter = String(limiter.retryAfter(address));
        const error = { code: 'TooManyRequests', message: 'too many session requests' };
        return void sendJson(res, 429, { error }, { 'retry-after': retryAfter });
      }
      const now = new Date();
      let conversationId: string;
      let resumed = false;
      if (parsed.data.token) {
        const check = tokens.verify(parsed.data.token, now);
        const claims = check.ok || check.reason === 'expired' ? check.claims : undefined;
        if (!claims) return void fail(res, 401, 'TokenInvalid', 'invalid token');
        if (claims.exp + resumeWindowSeconds < now.getTime() / 1000)
          return void fail(res, 403, 'TokenExpired', 'token too old');
        const conversation = await repo.findConversation(claims.conversationId);
        if (!conversation) return void fail(res, 404, 'BadArgument', 'conversation not found');
        conversationId = conversation._id;
        resumed = true;
      } else {
        conversationId = (await repo.createConversation(now))._id;
      }
      sendJson(res, 200, {
        conversationId,
        token: tokens.sign(conversationId, now),
        expires_in: tokenLifetimeSeconds,
        resumed,
      });
    },
  };
}
