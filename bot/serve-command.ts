import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { adminApiRoutes } from './admin-api/admin-api-routes.js';
import { adminPageRoutes } from './admin-page/admin-page-routes.js';
import type { Config } from './config.js';
import { createHttpServer, type Route } from './http/create-http-server.js';
import { healthRoutes } from './http/health-routes.js';
import { Metrics } from './http/metrics.js';
import { stopHttpServer, type HttpStop } from './http/stop-http-server.js';
import { createShutdown, type Shutdown, type ShutdownPhase } from './shutdown.js';
import type { CouncilDirectory } from '../dialogs/engine-context.js';
import { continuationCodeMinutes } from '../dialogs/continuation-step.js';
import type { Catalog } from '../dialogs/translate.js';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { directLineRetentionDays } from '../storage/ensure-indexes.js';
import type { TelegramSentRepository } from '../storage/storage.js';
import type { CoordinatorCommands } from './coordinators/coordinator-commands.js';
import type { TurnHandler } from './handle-turn.js';
import { createLogger, type Logger } from './logger.js';
import type { DirectLineStore } from './web/directline-store.js';
import { createWebChannel } from './web/create-web-channel.js';
import { longestAnswerLength } from './web/longest-answer-length.js';
import { observeTurns } from './observe-turns.js';
import { startReminderService } from './reminders/start-reminder-service.js';
import { webPushTransportFor } from './web-push/web-push-transport.js';
import { schedulePurge } from './schedule-purge.js';
import { startRuntime, type Runtime } from './start-runtime.js';
import { telegramChannel } from './telegram/telegram-channel.js';
import { inTurn } from './turn-scope.js';
import { webPushContextFor, type WebPushContext } from './web-push/web-push-context.js';

/** A channel plugged into the server: its HTTP routes and how to stop it. */
export interface Channel {
  name: string;
  routes: Route[];
  start?(): Promise<void>;
  stop(): Promise<void>;
  /** Takes a WebSocket upgrade on one of its paths; returns false when the path is not its own. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** When `stop` runs as the process stops (bot/shutdown.ts); `drain` unless it says. */
  stopIn?: ShutdownPhase;
  /** The page a browser gets for an address no route has (the web channel's). */
  notFoundPage?: Route['handle'];
}

/**
 * What a channel is given: the turn handler and what it needs to speak and to serve its own
 * protocol, never the database or the store (ESLint refuses `storage/` imports in channels).
 */
export interface ChannelContext {
  config: Config;
  log: Logger;
  catalog: Catalog;
  handleTurn: TurnHandler;
  /** Direct Line conversations and activities, for the web channel. */
  directLine: DirectLineStore;
  /** Council coordinators' commands, routed by the Telegram channel. */
  coordinators: CoordinatorCommands;
  /** The councils (invitation links on the web page). */
  councils: CouncilDirectory;
  /** The questionnaire, to word an answer as the engine does (a settled Telegram question). */
  consultation: Consultation;
  /** How long what is kept is kept, as the privacy pages state it. */
  retention: { transcriptDays: number; directLineDays: number; codeMinutes: number };
  /** Web Push subscriptions and keys, for the web page's reminders by notification. */
  webPush: WebPushContext;
  /** The longest text the questionnaire accepts as an answer (channels store no longer text). */
  longestAnswer: number;
  /** Counts messages a channel sent into the shared send budget (reminders make room). */
  countSent?: (messages: number) => void;
  /**
   * The Telegram messages of an update that reached the person: an update delivered again
   * (after a crash) sends only the others (bot/telegram/sent-messages.ts).
   */
  telegramSent: TelegramSentRepository;
}

export type ChannelFactory = (
  context: ChannelContext,
  metrics: Metrics,
) => Promise<Channel | undefined>;

/** Channels in the order they start; each decides from the config whether it is on. */
const channelFactories: ChannelFactory[] = [createWebChannel, telegramChannel()];

/** After the graceful stop's budget, the process exits anyway (process managers SIGKILL at 10 s). */
const hardExitMs = 9_500;

/**
 * `concerto serve`: HTTP server, enabled channels. SIGTERM or SIGINT stops it gracefully
 * (bot/shutdown.ts: stop accepting, finish the turns in flight, close connections, the database
 * last) within 10 s; a second signal exits at once.
 */
export async function runServeCommand(config: Config): Promise<number> {
  const log = createLogger(config.LOG_LEVEL);
  const runtime = await startRuntime(config, log);
  const shutdown = createShutdown(log);
  const started = await startServer(runtime, channelFactories, shutdown);
  reportUnhandledRejections(log, started.metrics);
  const stopPurge = schedulePurge(runtime);
  shutdown.onStop('background', 'purge', stopPurge);
  // Web participants who accepted notifications get their reminders by Web Push.
  const reminders = startReminderService(runtime, {
    transports: [await webPushTransportFor(runtime)],
    metrics: started.metrics,
  });
  // First: no new reminder leaves once stopping, and the blocks it holds go back to the wave.
  shutdown.onStop('intake', 'reminders', () => reminders.stop());
  shutdown.onStop('storage', 'database', () => runtime.close());
  const names = started.channels.map((c) => c.name).join(', ') || 'none';
  process.stderr.write(
    `Concerto is running: web chat at http://${config.HOST}:${started.port}/ (channels: ${names}). Ctrl+C stops it.\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const again = () => {
    log.warn('second signal: exiting now');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  const hardExit = setTimeout(() => {
    log.error({ ms: hardExitMs }, 'could not stop in time: exiting now');
    process.exit(1);
  }, hardExitMs);
  hardExit.unref();
  const report = await shutdown.stop(signal);
  // Whatever a library still holds open (a timer, a socket) must not keep a stopped server alive.
  setTimeout(() => process.exit(report.failed.length > 0 ? 1 : 0), 200).unref();
  return report.failed.length > 0 ? 1 : 0;
}

/**
 * Builds the routes of every enabled channel and listens on HOST:PORT. With `shutdown`, the
 * server and the channels register how they stop: the listener first (new requests get 503),
 * then the requests and turns in flight, then the channels (Telegram polling drains its updates
 * in `drain`, the web channel closes its WebSockets in `connections`), then the last sockets.
 */
export async function startServer(
  runtime: Runtime,
  factories: ChannelFactory[] = channelFactories,
  shutdown?: Shutdown,
) {
  const metrics = new Metrics();
  metrics.watchDatabase(runtime.client);
  const channels: Channel[] = [];
  const context: ChannelContext = {
    config: runtime.config,
    log: runtime.log,
    catalog: runtime.catalog,
    handleTurn: observeTurns(runtime.handleTurn, metrics, runtime.log),
    directLine: runtime.directLine,
    coordinators: runtime.coordinators,
    councils: runtime.councils,
    consultation: runtime.consultation,
    retention: {
      transcriptDays: runtime.config.TRANSCRIPT_RETENTION_DAYS,
      directLineDays: directLineRetentionDays,
      codeMinutes: continuationCodeMinutes,
    },
    webPush: await webPushContextFor(runtime),
    longestAnswer: longestAnswerLength(runtime.consultation),
    countSent: (messages) => runtime.reminders.replies.count(messages),
    telegramSent: runtime.storage.telegramSent,
  };
  for (const factory of factories) {
    const channel = await factory(context, metrics);
    if (channel) channels.push(channel);
  }
  const health = healthRoutes(runtime.db, metrics, runtime.databaseUp);
  const routes: readonly Route[] = [
    ...health,
    ...adminApiRoutes(runtime),
    ...adminPageRoutes(runtime),
    ...channels.flatMap((c) => c.routes).map(turnScoped),
  ];
  const server = createHttpServer(routes, {
    log: runtime.log,
    metrics,
    upgrade: (req, socket, head) => channels.some((c) => c.upgrade?.(req, socket, head)),
    notFoundPage: channels.find((c) => c.notFoundPage)?.notFoundPage,
  });
  const { PORT, HOST } = runtime.config;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, HOST, () => resolve());
  });
  for (const channel of channels) await channel.start?.();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  runtime.log.info({ host: HOST, port, channels: channels.map((c) => c.name) }, 'listening');
  if (shutdown) registerStops(shutdown, server, channels);
  return { server, channels, metrics, port, routes };
}

function registerStops(shutdown: Shutdown, server: Server, channels: readonly Channel[]): void {
  let http: HttpStop | undefined;
  shutdown.onStop('intake', 'http listener', () => {
    http = stopHttpServer(server);
  });
  shutdown.onStop('drain', 'http requests', ({ deadline }) => http?.drain(deadline));
  for (const channel of channels)
    shutdown.onStop(channel.stopIn ?? 'drain', channel.name, () => channel.stop());
  shutdown.onStop('connections', 'http connections', ({ deadline }) => http?.close(deadline));
}

/** A rejected promise nobody awaited is a bug to fix, not a reason to drop every conversation. */
function reportUnhandledRejections(log: Logger, metrics: Metrics): void {
  process.on('unhandledRejection', (reason: unknown) => {
    metrics.increment('concerto_unhandled_rejections_total', 'Promise rejections nobody handled.');
    log.error({ err: reason }, 'unhandled promise rejection');
  });
}

/** A channel's POST (a webhook update, a Direct Line activity) is one turn: one turn id. */
function turnScoped(route: Route): Route {
  if (route.method !== 'POST') return route;
  return {
    ...route,
    handle: (req, res, params) => inTurn(async () => route.handle(req, res, params)),
  };
}
