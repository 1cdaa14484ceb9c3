import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson, type Route } from '../http/create-http-server.js';
import { parseRequestUrl } from '../http/parse-request-url.js';
import { checkConversationToken } from './conversation-token.js';
import { deliverActivity, type DeliverDeps, type Speaker } from './deliver-activity.js';
import { withinQuota, type DirectLineLimits } from './directline-quotas.js';
import type { DirectLineConversation } from './directline-store.js';
import {
  bearerOf,
  tokenLifetimeSeconds,
  type TokenClaims,
  type TokenSigner,
} from './directline-token.js';
import { parsePostedActivity, userIdSchema } from './posted-activity.js';
import { fail, readBody, readOptionalBody } from './read-body.js';
import type { RateLimiter } from './rate-limiter.js';
import type { WebCounter } from './web-metrics.js';

export interface DirectLineDeps extends DeliverDeps {
  tokens: TokenSigner;
  secret: string;
  publicUrl: string;
  limits: DirectLineLimits;
  /** The address a request came from (per-address quotas). */
  addressOf(req: IncomingMessage): string;
  count: WebCounter;
}

const base = '/v3/directline';
const conversationPath = (suffix = '') =>
  new RegExp(`^${base}/conversations/([A-Za-z0-9_-]{1,64})${suffix}$`);
/** Activities per poll: directlinejs and our page ask again when they get a full page. */
const pollPage = 100;

/** `tokens/generate` and `conversations` with the secret may bind a user (Direct Line's TokenParameters). */
const tokenParametersSchema = z.object({
  user: z
    .object({ id: userIdSchema, name: z.string().max(100).optional() })
    .loose()
    .optional(),
});

/** Who is asking: the secret's holder (trusted with every conversation), or a token's. */
type Access =
  | { kind: 'secret'; conversation: DirectLineConversation }
  | { kind: 'token'; conversation: DirectLineConversation; claims: TokenClaims; token: string };

/**
 * The self-hosted subset of Direct Line 3.0 that botframework-directlinejs, Web Chat and our
 * page use: tokens (generate, refresh), conversations (start, reconnect), activities (send,
 * poll). As Microsoft's with enhanced authentication: a token is a JWT naming its user, an
 * activity posted with another `from.id` is rewritten to it; with the secret (or on a
 * conversation bound to no user) the client's `from.id` stands. Errors follow Direct Line:
 * `{ error: { code, message } }`, 401 without valid credentials, 403 for an expired, replaced
 * or foreign token, 404 for an unknown or ended conversation, 429 with Retry-After past a quota.
 */
export function directLineRoutes(deps: DirectLineDeps): Route[] {
  const { repo, tokens, limits, count } = deps;
  const locks = new Map<string, Promise<unknown>>();

  const refuse = (res: ServerResponse, status: number, code: string, message: string) => {
    count('rejected', { status: String(status) });
    return fail(res, status, code, message);
  };
  const quota = (res: ServerResponse, checks: readonly (readonly [RateLimiter, string])[]) => {
    const ok = withinQuota(res, checks);
    if (!ok) count('limited');
    return ok;
  };
  const sign = (conversation: DirectLineConversation, generation = conversation.tokenGeneration) =>
    tokens.sign(
      { conversationId: conversation._id, userId: conversation.userId, generation },
      new Date(),
    );
  const streamUrl = (
    req: IncomingMessage,
    conversationId: string,
    watermark: string,
    token: string,
  ) =>
    `${socketBase(req, deps.publicUrl)}${base}/conversations/${conversationId}/stream?watermark=${watermark}&t=${encodeURIComponent(token)}`;

  /** The request's credentials for a conversation (the path's, or the token's own), or undefined after answering. */
  const access = async (
    req: IncomingMessage,
    res: ServerResponse,
    conversationId?: string,
  ): Promise<Access | undefined> => {
    const bearer = bearerOf(req.headers.authorization);
    if (!bearer) return refuse(res, 401, 'BadArgument', 'missing bearer token');
    const now = new Date();
    if (isSecret(bearer, deps.secret)) {
      const conversation = conversationId ? await repo.findConversation(conversationId, now) : null;
      if (!conversation) return refuse(res, 404, 'BadArgument', 'conversation not found');
      return { kind: 'secret', conversation };
    }
    const check = await checkConversationToken(repo, tokens, bearer, now);
    if (!check.ok) return refuse(res, check.status, check.code, check.message);
    if (conversationId !== undefined && check.conversation._id !== conversationId)
      return refuse(res, 403, 'BadArgument', 'token not valid for this conversation');
    return { kind: 'token', conversation: check.conversation, claims: check.claims, token: bearer };
  };
  /** A token for a reply: the caller's own (never a second valid one), or one for the secret's holder. */
  const tokenFor = (granted: Access) =>
    granted.kind === 'token'
      ? {
          token: granted.token,
          expires_in: Math.max(0, granted.claims.exp - Math.floor(Date.now() / 1000)),
        }
      : { token: sign(granted.conversation), expires_in: tokenLifetimeSeconds };

  const routes: Route[] = [
    {
      method: 'POST',
      path: `${base}/tokens/generate`,
      async handle(req, res) {
        if (!isSecret(bearerOf(req.headers.authorization) ?? '', deps.secret))
          return void refuse(res, 401, 'BadArgument', 'secret required');
        const user = await tokenParameters(req, res, refuse);
        if (user === false) return;
        const conversation = await repo.createConversation(
          { origin: 'directline', ...(user ? { user } : {}) },
          new Date(),
        );
        sendJson(res, 200, {
          conversationId: conversation._id,
          token: sign(conversation),
          expires_in: tokenLifetimeSeconds,
        });
      },
    },
    {
      method: 'POST',
      path: `${base}/tokens/refresh`,
      async handle(req, res) {
        if (!quota(res, [[limits.tokensPerAddress, deps.addressOf(req)]])) return;
        const granted = await access(req, res);
        if (!granted) return;
        if (granted.kind !== 'token')
          return void refuse(res, 401, 'BadArgument', 'a token is refreshed with itself');
        const { conversation, claims } = granted;
        // The new token replaces this one: its generation moves on, once.
        if (!(await repo.nextTokenGeneration(conversation._id, claims.generation)))
          return void refuse(res, 403, 'TokenInvalid', 'token replaced by a newer one');
        sendJson(res, 200, {
          conversationId: conversation._id,
          token: sign(conversation, claims.generation + 1),
          expires_in: tokenLifetimeSeconds,
        });
      },
    },
    {
      method: 'POST',
      path: `${base}/conversations`,
      async handle(req, res) {
        if (!quota(res, [[limits.tokensPerAddress, deps.addressOf(req)]])) return;
        const bearer = bearerOf(req.headers.authorization);
        if (bearer && isSecret(bearer, deps.secret)) {
          const user = await tokenParameters(req, res, refuse);
          if (user === false) return;
          const conversation = await repo.createConversation(
            { origin: 'directline', user: user ?? null },
            new Date(),
          );
          const token = sign(conversation);
          return void sendJson(res, 201, {
            conversationId: conversation._id,
            token,
            expires_in: tokenLifetimeSeconds,
            streamUrl: streamUrl(req, conversation._id, '', token),
          });
        }
        const granted = await access(req, res);
        if (!granted) return;
        const issued = tokenFor(granted);
        sendJson(res, 200, {
          conversationId: granted.conversation._id,
          ...issued,
          streamUrl: streamUrl(req, granted.conversation._id, '', issued.token),
        });
      },
    },
    {
      method: 'GET',
      path: conversationPath(),
      async handle(req, res, [id = '']) {
        if (!quota(res, [[limits.tokensPerAddress, deps.addressOf(req)]])) return;
        const granted = await access(req, res, id);
        if (!granted) return;
        const issued = tokenFor(granted);
        const watermark = watermarkOf(req);
        sendJson(res, 200, {
          conversationId: id,
          ...issued,
          streamUrl: streamUrl(
            req,
            id,
            watermark === undefined ? '' : String(watermark),
            issued.token,
          ),
        });
      },
    },
    {
      method: 'GET',
      path: conversationPath('/activities'),
      async handle(req, res, [id = '']) {
        const granted = await access(req, res, id);
        if (!granted) return;
        if (!quota(res, [[limits.pollsPerConversation, id]])) return;
        const { seq } = granted.conversation;
        let mark = Math.min(watermarkOf(req) ?? 0, seq);
        const activities: unknown[] = [];
        // A few ranges at most: numbers of activities forgotten (before consent) leave holes.
        for (let range = 0; range < 5 && mark < seq && activities.length < pollPage; range += 1) {
          const upTo = Math.min(seq, mark + pollPage - activities.length);
          const found = await repo.activitiesBetween(id, mark, upTo, new Date());
          activities.push(...found.map((item) => item.activity));
          mark = upTo;
        }
        sendJson(res, 200, { activities, watermark: String(mark) });
      },
    },
    {
      method: 'POST',
      path: conversationPath('/activities'),
      async handle(req, res, [id = '']) {
        const granted = await access(req, res, id);
        if (!granted) return;
        const { conversation } = granted;
        if (conversation.endedAt !== undefined)
          return void refuse(res, 404, 'BadArgument', 'conversation ended');
        if (
          !quota(res, [
            [limits.postsPerConversation, id],
            [limits.postsPerAddress, deps.addressOf(req)],
          ])
        )
          return;
        const body = await readBody(req, res);
        if (body === undefined) return void count('rejected', { status: String(res.statusCode) });
        const parsed = parsePostedActivity(body);
        if (!parsed.ok) return void refuse(res, 400, 'BadArgument', parsed.message);
        const posted = parsed.activity;
        if (posted.type === 'typing') return void sendJson(res, 200, { id: '' });
        const speaker = speakerOf(granted, posted.fromId);
        if (typeof speaker === 'string') return void refuse(res, 400, 'BadArgument', speaker);
        const activityId = await serialize(locks, id, async (waited) => {
          // After another turn of this conversation, its seq has moved: read it again.
          const fresh = waited ? await repo.findConversation(id) : conversation;
          if (!fresh || fresh.endedAt !== undefined) return undefined;
          return deliverActivity(deps, fresh, posted, speaker);
        });
        if (activityId === undefined)
          return void refuse(res, 404, 'BadArgument', 'conversation ended');
        sendJson(res, 200, { id: activityId });
      },
    },
  ];
  return [...routes.map((route) => withCors(route, count)), preflight];
}

/**
 * Who speaks: the conversation's bound user, whatever `from.id` says (Microsoft's enhanced
 * authentication); on an unbound conversation the client's `from.id`, which a token may not
 * set to a `dl_` id (those are bound in tokens, so they cannot be forged). A string: why not.
 */
function speakerOf(granted: Access, fromId: string | undefined): Speaker | string {
  const { conversation } = granted;
  if (conversation.userId !== undefined)
    return { id: conversation.userId, name: conversation.userName };
  const parsed = userIdSchema.safeParse(fromId);
  if (!parsed.success) return 'from.id is required (1 to 64 letters, digits or _.:@-)';
  if (granted.kind === 'token' && parsed.data.startsWith('dl_'))
    return 'user ids starting with dl_ are bound in a token';
  return { id: parsed.data };
}

/** The user to bind from an optional body `{ user: { id, name } }`; false after answering 400. */
async function tokenParameters(
  req: IncomingMessage,
  res: ServerResponse,
  refuse: (res: ServerResponse, status: number, code: string, message: string) => undefined,
): Promise<{ id: string; name?: string | undefined } | undefined | false> {
  const body = await readOptionalBody(req, res);
  if (body === undefined) return false;
  const parsed = tokenParametersSchema.safeParse(body);
  if (!parsed.success) {
    refuse(
      res,
      400,
      'BadArgument',
      'expected { user: { id, name } }, id of 1 to 64 letters, digits or _.:@-',
    );
    return false;
  }
  const user = parsed.data.user;
  return user ? { id: user.id, ...(user.name ? { name: user.name } : {}) } : undefined;
}

/**
 * Web Chat on another site calls Direct Line across origins. Credentials are bearer tokens,
 * never cookies, so any origin may call: it still needs a token.
 */
function withCors(route: Route, count: WebCounter): Route {
  return {
    ...route,
    async handle(req, res, params) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', 'retry-after');
      try {
        await route.handle(req, res, params);
      } catch (error) {
        count('error');
        throw error;
      }
    },
  };
}

const preflight: Route = {
  method: 'OPTIONS',
  path: new RegExp(`^${base}/`),
  handle(_req, res) {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'authorization, content-type, x-ms-bot-agent, x-requested-with',
      'access-control-max-age': '600',
    });
    res.end();
  },
};

/** One turn at a time per conversation in this process, so replies keep their order. */
async function serialize<T>(
  locks: Map<string, Promise<unknown>>,
  key: string,
  work: (waited: boolean) => Promise<T>,
): Promise<T> {
  const previous = locks.get(key);
  const next = (previous ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => work(previous !== undefined));
  locks.set(key, next);
  try {
    return await next;
  } finally {
    if (locks.get(key) === next) locks.delete(key);
  }
}

function isSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The watermark asked for (a sequence number), or undefined when absent or not one. */
function watermarkOf(req: IncomingMessage): number | undefined {
  const value = parseRequestUrl(req.url)?.searchParams.get('watermark') ?? '';
  return /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/** ws:// or wss:// on the host the client reached (PUBLIC_URL's scheme when it is that host). */
function socketBase(req: IncomingMessage, publicUrl: string): string {
  const pub = new URL(publicUrl);
  const host = /^[\w.:[\]-]{1,255}$/.test(req.headers.host ?? '') ? req.headers.host : pub.host;
  const secure =
    pub.host === host ? pub.protocol === 'https:' : req.headers['x-forwarded-proto'] === 'https';
  return `${secure ? 'wss' : 'ws'}://${host}`;
}
