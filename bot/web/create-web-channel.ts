import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../http/client-address.js';
import type { Channel, ChannelFactory } from '../serve-command.js';
import { pushSubscriptionRoutes } from '../web-push/push-subscription-routes.js';
import { botFrameworkRoute } from './bot-framework-route.js';
import { chatPages } from './chat-page-routes.js';
import { ConcertoBot } from './concerto-bot.js';
import { checkConversationToken } from './conversation-token.js';
import { createDirectLineLimits } from './directline-quotas.js';
import { directLineRoutes } from './directline-routes.js';
import { createDirectLineStream } from './directline-stream.js';
import { tokenSignerFor } from './directline-token.js';
import { createRateLimiter } from './rate-limiter.js';
import { webCounter } from './web-metrics.js';
import { webSessionRoute } from './web-session-route.js';

/**
 * The web channel, always on: the chat page, its session endpoint, the self-hosted Direct Line
 * (REST and WebSocket stream) and Bot Framework's `/api/messages`. The Direct Line secret comes
 * from DIRECTLINE_SECRET, or is generated once and kept in the database for every process.
 */
export const createWebChannel: ChannelFactory = async (context, metrics) => {
  const { config, log, catalog, handleTurn, directLine: repo, councils, retention } = context;
  const secret =
    config.DIRECTLINE_SECRET ??
    (await repo.getOrCreateSetting(
      'directline_secret',
      () => randomBytes(32).toString('base64url'),
      new Date(),
    ));
  const tokens = tokenSignerFor(secret);
  log.info(
    { source: config.DIRECTLINE_SECRET ? 'DIRECTLINE_SECRET' : 'database' },
    'Direct Line secret ready',
  );
  log.info({ source: context.webPush.source }, 'VAPID keys ready');
  const count = webCounter(metrics);
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.TRUST_PROXY);
  const stream = createDirectLineStream(repo, {
    authorize: async (token, conversationId) => {
      const check = await checkConversationToken(repo, tokens, token, new Date());
      if (check.ok && check.conversation._id !== conversationId)
        return {
          ok: false,
          status: 403,
          code: 'BadArgument',
          message: 'token not valid for this conversation',
        };
      return check;
    },
    addressOf,
    log,
    countLimited: () => count('limited'),
  });
  metrics.gauge(
    'concerto_directline_streams_open',
    'Direct Line WebSocket streams open in this process.',
    stream.openStreams,
  );
  const pages = chatPages(catalog, {
    councilByCode: (code) => councils.byInvitationCode(code),
    facts: { ...retention, contact: config.PRIVACY_CONTACT },
  });
  const channel: Channel = {
    name: 'web',
    notFoundPage: pages.notFoundPage,
    routes: [
      ...pages.routes,
      webSessionRoute(
        repo,
        tokens,
        { create: createRateLimiter(10, 60_000), renew: createRateLimiter(30, 60_000) },
        addressOf,
        count,
      ),
      ...directLineRoutes({
        repo,
        tokens,
        secret,
        publicUrl: config.PUBLIC_URL,
        handleTurn,
        catalog,
        publish: stream.publish,
        retentionDays: retention.directLineDays,
        maxStoredText: context.longestAnswer,
        countTurn: () => count('turn'),
        limits: createDirectLineLimits(),
        addressOf,
        count,
      }),
      ...pushSubscriptionRoutes({ push: context.webPush, tokens, conversations: repo, log }),
      botFrameworkRoute(config, new ConcertoBot(handleTurn, catalog, log, metrics), log, metrics),
    ],
    upgrade: (req, socket, head) => stream.upgrade(req, socket, head),
    // After the turns in flight: their replies still reach the open sockets.
    stopIn: 'connections',
    stop: () => stream.close(),
  };
  return channel;
};
