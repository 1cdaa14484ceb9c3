import { readFileSync } from 'node:fs';
import type { ServerResponse, IncomingMessage } from 'node:http';
import { z } from 'zod';
import { pushSubscriptionSchema } from '../../storage/push-subscriptions.js';
import { sendJson, type Route } from '../http/create-http-server.js';
import type { Logger } from '../logger.js';
import { bearerOf, type TokenSigner } from '../web/directline-token.js';
import { checkConversationToken } from '../web/conversation-token.js';
import type { DirectLineStore } from '../web/directline-store.js';
import { fail, readBody } from '../web/read-body.js';
import { sendAsset, staticAsset } from '../web/static-asset.js';
import type { WebPushContext } from './web-push-context.js';

export interface PushRouteDeps {
  push: WebPushContext;
  tokens: TokenSigner;
  conversations: Pick<DirectLineStore, 'findConversation'>;
  log: Logger;
}

const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a conversation id');
const subscribeSchema = z.object({
  conversationId: conversationIdSchema,
  subscription: pushSubscriptionSchema,
});
const unsubscribeSchema = z.object({ conversationId: conversationIdSchema });

/**
 * The chat page's side of reminders by notification: `GET /web/push/key` (the server's VAPID
 * public key, to subscribe with), `POST /web/push/subscription` (stores the browser's
 * subscription for the conversation's participant, replacing the one before),
 * `DELETE /web/push/subscription`, and the service worker at `/push-worker.js` (at the root, so
 * that it may open the chat). Subscribing proves the conversation with the page's Direct Line
 * token: a token of another conversation is refused (403), like Direct Line itself does.
 */
export function pushSubscriptionRoutes(deps: PushRouteDeps): Route[] {
  const { push, log } = deps;
  const worker = staticAsset(
    'text/javascript; charset=utf-8',
    readFileSync(new URL('../web/static/push-worker.js', import.meta.url), 'utf8'),
    'no-cache',
  );
  return [
    {
      method: 'GET',
      path: '/push-worker.js',
      // Browsers check a service worker for updates themselves; no-cache keeps that check cheap.
      handle: (req, res) => sendAsset(req, res, worker),
    },
    {
      method: 'GET',
      path: '/web/push/key',
      handle: (_req, res) => sendJson(res, 200, { publicKey: push.vapid.publicKey }),
    },
    {
      method: 'POST',
      path: '/web/push/subscription',
      async handle(req, res) {
        const body = await readBody(req, res, 8 * 1024);
        if (body === undefined) return;
        const parsed = subscribeSchema.safeParse(body);
        if (!parsed.success) return void fail(res, 400, 'BadArgument', describe(parsed.error));
        const found = await participantOfRequest(deps, req, res, parsed.data.conversationId);
        if (!found) return;
        const { participantId, identity } = found;
        const before = await push.subscriptions.get(participantId);
        const now = new Date();
        await push.subscriptions.save(participantId, identity, parsed.data.subscription, now);
        // An erasure that ran meanwhile removed the subscription before we wrote it: undo.
        if ((await push.participantOf(identity))?.participantId !== participantId) {
          await push.subscriptions.remove(participantId);
          return void fail(res, 409, 'NoParticipant', 'the conversation has nobody to remind');
        }
        log.info({ participantId, replaced: before !== null }, 'push subscription stored');
        sendJson(res, before === null ? 201 : 200, { stored: true, replaced: before !== null });
      },
    },
    {
      method: 'DELETE',
      path: '/web/push/subscription',
      async handle(req, res) {
        const body = await readBody(req, res, 1024);
        if (body === undefined) return;
        const parsed = unsubscribeSchema.safeParse(body);
        if (!parsed.success) return void fail(res, 400, 'BadArgument', describe(parsed.error));
        const found = await participantOfRequest(deps, req, res, parsed.data.conversationId);
        if (!found) return;
        await push.subscriptions.remove(found.participantId);
        sendJson(res, 200, { removed: true });
      },
    },
  ];
}

/**
 * The participant behind a conversation the request's token proves, or undefined after
 * answering the error (401 no or bad token, 403 expired or another conversation's, 404
 * unknown conversation, 409 nobody there yet or no consent).
 */
async function participantOfRequest(
  deps: PushRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  conversationId: string,
) {
  const bearer = bearerOf(req.headers.authorization);
  if (!bearer) return fail(res, 401, 'BadArgument', 'missing bearer token');
  // A replaced token (refreshed) no longer works, as on every route authenticated by the page.
  const check = await checkConversationToken(deps.conversations, deps.tokens, bearer, new Date());
  if (!check.ok) return fail(res, check.status, check.code, check.message);
  if (check.conversation._id !== conversationId)
    return fail(res, 403, 'BadArgument', 'token not valid for this conversation');
  const userId = check.conversation.userId;
  if (userId === undefined) return fail(res, 404, 'BadArgument', 'conversation not found');
  const identity = { channel: 'web' as const, externalId: userId };
  const participant = await deps.push.participantOf(identity);
  if (participant === null)
    return fail(res, 409, 'NoParticipant', 'the conversation has nobody to remind yet');
  // Nothing of a person is kept before they consent, their notification address included.
  if (!participant.consented)
    return fail(res, 409, 'NoConsent', 'the person has not consented: nothing can be kept yet');
  return { participantId: participant.participantId, identity };
}

/** The first problems of a body, named by field: « subscription.endpoint: … ». */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
}
