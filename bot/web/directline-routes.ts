import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson, type Route } from '../http/create-http-server.js';
import { storableJson } from '../http/storable-json.js';
import { textSchema } from './activity-to-input.js';
import { deliverActivity, type DeliverDeps } from './deliver-activity.js';
import { fail, readBody } from './read-body.js';
import { bearerOf, tokenLifetimeSeconds, type TokenSigner } from './directline-token.js';
import type { DirectLineStore } from './directline-store.js';

export interface DirectLineDeps extends DeliverDeps {
  repo: DirectLineStore;
  tokens: TokenSigner;
  secret: string;
  publicUrl: string;
}

const base = '/v3/directline';
const conversationPath = (suffix = '') =>
  new RegExp(`^${base}/conversations/([A-Za-z0-9_-]{1,64})${suffix}$`);

/** What a client may post: a message (text or a button's value) or the start event. */
const postedSchema = z.object({
  type: z.enum(['message', 'event', 'typing']),
  name: textSchema(50).optional(),
  text: textSchema().optional(),
  value: storableJson().optional(),
  locale: textSchema(20).optional(),
  // Our page sends clientActivityId; Microsoft's Web Chat spells it clientActivityID.
  channelData: z
    .object({
      clientActivityId: textSchema(100).min(1).optional(),
      clientActivityID: textSchema(100).min(1).optional(),
    })
    .loose()
    .optional(),
});

/**
 * The self-hosted subset of Direct Line 3.0 that botframework-directlinejs and our page use:
 * tokens, conversations (start, reconnect), activities (send, poll). Errors follow Direct Line:
 * `{ error: { code, message } }`, 401 without valid credentials, 403 for an expired token or
 * another conversation's token, 404 for an unknown conversation.
 */
export function directLineRoutes(deps: DirectLineDeps): Route[] {
  const { repo, tokens } = deps;
  const locks = new Map<string, Promise<unknown>>();

  const issue = (conversationId: string) => ({
    conversationId,
    token: tokens.sign(conversationId, new Date()),
    expires_in: tokenLifetimeSeconds,
  });
  const withStream = (req: IncomingMessage, conversationId: string, watermark: string) => {
    const issued = issue(conversationId);
    const wm = /^\d{1,10}$/.test(watermark) ? watermark : '';
    const streamUrl = `${socketBase(req, deps.publicUrl)}${base}/conversations/${conversationId}/stream?watermark=${wm}&t=${encodeURIComponent(issued.token)}`;
    return { ...issued, streamUrl };
  };

  /** The existing conversation a token is bound to, or undefined after sending the error. */
  const tokenConversation = async (res: ServerResponse, bearer: string | undefined) => {
    const check = tokens.verify(bearer ?? '', new Date());
    if (!check.ok) {
      const status = check.reason === 'expired' ? 403 : 401;
      return void fail(res, status, 'TokenInvalid', 'token invalid or expired');
    }
    if (!(await repo.findConversation(check.claims.conversationId)))
      return void fail(res, 404, 'BadArgument', 'conversation not found');
    return check.claims.conversationId;
  };

  /** The conversation the request may act on, or undefined after sending the error. */
  const authorize = async (req: IncomingMessage, res: ServerResponse, conversationId: string) => {
    const bearer = bearerOf(req.headers.authorization);
    if (!bearer) return fail(res, 401, 'BadArgument', 'missing bearer token');
    if (!isSecret(bearer, deps.secret)) {
      const check = tokens.verify(bearer, new Date());
      if (!check.ok && check.reason !== 'expired')
        return fail(res, 401, 'TokenInvalid', 'invalid token');
      if (!check.ok) return fail(res, 403, 'TokenExpired', 'token expired');
      if (check.claims.conversationId !== conversationId)
        return fail(res, 403, 'BadArgument', 'token not valid for this conversation');
    }
    const conversation = await repo.findConversation(conversationId);
    if (!conversation) return fail(res, 404, 'BadArgument', 'conversation not found');
    return conversation;
  };

  return [
    {
      method: 'POST',
      path: `${base}/tokens/generate`,
      async handle(req, res) {
        if (!isSecret(bearerOf(req.headers.authorization) ?? '', deps.secret))
          return void fail(res, 401, 'BadArgument', 'secret required');
        const conversation = await repo.createConversation(new Date());
        sendJson(res, 200, issue(conversation._id));
      },
    },
    {
      method: 'POST',
      path: `${base}/tokens/refresh`,
      async handle(req, res) {
        const conversationId = await tokenConversation(res, bearerOf(req.headers.authorization));
        if (conversationId) sendJson(res, 200, issue(conversationId));
      },
    },
    {
      method: 'POST',
      path: `${base}/conversations`,
      async handle(req, res) {
        const bearer = bearerOf(req.headers.authorization);
        if (!bearer) return void fail(res, 401, 'BadArgument', 'missing bearer token');
        if (isSecret(bearer, deps.secret)) {
          const conversation = await repo.createConversation(new Date());
          return void sendJson(res, 201, withStream(req, conversation._id, ''));
        }
        const conversationId = await tokenConversation(res, bearer);
        if (conversationId) sendJson(res, 200, withStream(req, conversationId, ''));
      },
    },
    {
      method: 'GET',
      path: conversationPath(),
      async handle(req, res, [id = '']) {
        const conversation = await authorize(req, res, id);
        if (!conversation) return;
        sendJson(res, 200, withStream(req, conversation._id, watermarkOf(req)));
      },
    },
    {
      method: 'GET',
      path: conversationPath('/activities'),
      async handle(req, res, [id = '']) {
        const conversation = await authorize(req, res, id);
        if (!conversation) return;
        const after = Number.parseInt(watermarkOf(req) || '0', 10);
        const items = await repo.listAfter(conversation._id, Number.isFinite(after) ? after : 0);
        const watermark = String(
          items.at(-1)?.seq ?? (Number.isFinite(after) ? Math.min(after, conversation.seq) : 0),
        );
        sendJson(res, 200, { activities: items.map((item) => item.activity), watermark });
      },
    },
    {
      method: 'POST',
      path: conversationPath('/activities'),
      async handle(req, res, [id = '']) {
        const conversation = await authorize(req, res, id);
        if (!conversation) return;
        const body = await readBody(req, res);
        if (body === undefined) return;
        const parsed = postedSchema.safeParse(body);
        if (!parsed.success) return void fail(res, 400, 'BadArgument', 'not a supported activity');
        if (parsed.data.type === 'typing') return void sendJson(res, 200, { id: '' });
        const { channelData } = parsed.data;
        const clientActivityId = channelData?.clientActivityId ?? channelData?.clientActivityID;
        const posted = { ...parsed.data, clientActivityId };
        const activityId = await serialize(locks, conversation._id, () =>
          deliverActivity(deps, conversation, posted),
        );
        sendJson(res, 200, { id: activityId });
      },
    },
  ];
}

/** One turn at a time per conversation in this process, so replies keep their order. */
async function serialize<T>(
  locks: Map<string, Promise<unknown>>,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
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

function watermarkOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('watermark') ?? '';
}

/** ws:// or wss:// on the host the client reached (PUBLIC_URL's scheme when it is that host). */
function socketBase(req: IncomingMessage, publicUrl: string): string {
  const host = req.headers.host ?? new URL(publicUrl).host;
  const pub = new URL(publicUrl);
  const secure =
    pub.host === host ? pub.protocol === 'https:' : req.headers['x-forwarded-proto'] === 'https';
  return `${secure ? 'wss' : 'ws'}://${host}`;
}
