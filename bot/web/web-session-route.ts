import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { sendJson, type Route } from '../http/create-http-server.js';
import { checkConversationToken } from './conversation-token.js';
import { withinQuota } from './directline-quotas.js';
import type { DirectLineStore } from './directline-store.js';
import { tokenLifetimeSeconds, type TokenSigner } from './directline-token.js';
import type { RateLimiter } from './rate-limiter.js';
import { fail, readBody } from './read-body.js';
import type { WebCounter } from './web-metrics.js';

/** An old token still proves its conversation this long after it expired (a phone back days later). */
export const resumeWindowSeconds = 30 * 86_400;

const sessionRequestSchema = z.object({ token: z.string().max(2048).optional() });

/**
 * `POST /web/session`: the chat page's Direct Line token, a JWT bound to the conversation's
 * `dl_` user (stable across reloads: the page's identity). Without a body token: a new
 * conversation. With the page's previous token: a fresh token for the same conversation,
 * which replaces it. The resume is explicit:
 * - the token may have expired up to 30 days ago (a phone back days later);
 * - it may be of the generation just before the current one (the page renewed, and the
 *   answer was lost on the way: without this, the person would lose their conversation);
 *   anything older is refused, so a token copied before two renewals opens nothing;
 * - tokens of before JWTs are still taken (a month after the upgrade, none is left);
 * - only the page's own conversations resume here (Direct Line clients refresh their tokens).
 * A forged or foreign token is refused. Rate-limited per address.
 */
export function webSessionRoute(
  repo: DirectLineStore,
  tokens: TokenSigner,
  limits: { create: RateLimiter; renew: RateLimiter },
  addressOf: (req: IncomingMessage) => string,
  count?: WebCounter,
): Route {
  const refuse = (
    res: Parameters<typeof fail>[0],
    status: number,
    code: string,
    message: string,
  ) => {
    count?.('rejected', { status: String(status) });
    return fail(res, status, code, message);
  };
  return {
    method: 'POST',
    path: '/web/session',
    async handle(req, res) {
      const body = await readBody(req, res, 4096);
      if (body === undefined) return;
      const parsed = sessionRequestSchema.safeParse(body);
      if (!parsed.success) return void refuse(res, 400, 'BadArgument', 'expected { token? }');
      const { token } = parsed.data;
      // New conversations are what a flood would create; renewals get a looser limit.
      if (!withinQuota(res, [[token ? limits.renew : limits.create, addressOf(req)]]))
        return void count?.('limited');
      const now = new Date();
      if (!token) {
        const conversation = await repo.createConversation({ origin: 'page' }, now);
        return void sendJson(res, 200, {
          conversationId: conversation._id,
          token: tokens.sign(
            { conversationId: conversation._id, userId: conversation.userId, generation: 0 },
            now,
          ),
          expires_in: tokenLifetimeSeconds,
          resumed: false,
        });
      }
      // Two renewals at once (two tabs): the one that lost tries again on the new generation.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const check = await checkConversationToken(repo, tokens, token, now, {
          expiredGraceSeconds: resumeWindowSeconds,
          previousGeneration: true,
          legacy: true,
        });
        if (!check.ok) return void refuse(res, check.status, check.code, check.message);
        const { conversation } = check;
        if (conversation.origin !== 'page')
          return void refuse(res, 403, 'TokenInvalid', 'not a conversation of this page');
        if (conversation.endedAt !== undefined)
          return void refuse(res, 404, 'BadArgument', 'conversation ended');
        const generation = conversation.tokenGeneration;
        if (!(await repo.nextTokenGeneration(conversation._id, generation))) continue;
        return void sendJson(res, 200, {
          conversationId: conversation._id,
          token: tokens.sign(
            {
              conversationId: conversation._id,
              userId: conversation.userId,
              generation: generation + 1,
            },
            now,
          ),
          expires_in: tokenLifetimeSeconds,
          resumed: true,
        });
      }
      // Renewed again meanwhile: the page tries again shortly (it treats 429 as "not now").
      count?.('limited');
      const error = { code: 'TooManyRequests', message: 'renewed elsewhere meanwhile, try again' };
      sendJson(res, 429, { error }, { 'retry-after': '1' });
    },
  };
}
