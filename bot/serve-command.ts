import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { adminApiRoutes } from './admin-api/admin-api-routes.js';
import { adminPageRoutes } from './admin-page/admin-page-routes.js';
import type { Config } from './config.js';
import { createHttpServer, type Route } from './http/create-http-server.js';
import { healthRoutes } from './http/health-routes.js';
import { Metrics } from './http/metrics.js';
import type { CouncilDirectory } from '../dialogs/engine-context.js';
import { continuationCodeMinutes } from '../dialogs/continuation-step.js';
import type { Catalog } from '../dialogs/translate.js';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { directLineRetentionDays } from '../storage/ensure-indexes.js';
import type { CoordinatorCommands } from './coordinators/coordinator-commands.js';
import type { TurnHandler } from './handle-turn.js';
import { createLogger, type Logger } from './logger.js';
import type { DirectLineStore } from './web/directline-store.js';
import { createWebChannel } from './web/create-web-channel.js';
import { startReminderService } from './reminders/start-reminder-service.js';
import { schedulePurge } from './schedule-purge.js';
import { startRuntime, type Runtime } from './start-runtime.js';
import { telegramChannel } from './telegram/telegram-channel.js';

/** A channel plugged into the server: its HTTP routes and how to stop it. */
export interface Channel {
  name: string;
  routes: Route[];
  start?(): Promise<void>;
  stop(): Promise<void>;
  /** Takes a WebSocket upgrade on one of its paths; returns false when the path is not its own. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
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
  /** Counts messages a channel sent into the shared send budget (reminders make room). */
  countSent?: (messages: number) => void;
}

export type ChannelFactory = (
  context: ChannelContext,
  metrics: Metrics,
) => Promise<Channel | undefined>;

/** Channels in the order they start; each decides from the config whether it is on. */
const channelFactories: ChannelFactory[] = [createWebChannel, telegramChannel()];

/** `concerto serve`: HTTP server, enabled channels; stops cleanly on SIGINT/SIGTERM. */
export async function runServeCommand(config: Config): Promise<number> {
  const log = createLogger(config.LOG_LEVEL);
  const runtime = await startRuntime(config, log);
  const { server, channels, port } = await startServer(runtime);
  const stopPurge = schedulePurge(runtime);
  const reminders = startReminderService(runtime);
  const names = channels.map((c) => c.name).join(', ') || 'none';
  process.stderr.write(
    `Concerto is running: web chat at http://${config.HOST}:${port}/ (channels: ${names}). Ctrl+C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping');
  stopPurge();
  await reminders.stop();
  for (const channel of channels) await channel.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await runtime.close();
  return 0;
}

/** Builds the routes of every enabled channel and listens on HOST:PORT. */
export async function startServer(
  runtime: Runtime,
  factories: ChannelFactory[] = channelFactories,
) {
  const metrics = new Metrics();
  const channels: Channel[] = [];
  const context: ChannelContext = {
    config: runtime.config,
    log: runtime.log,
    catalog: runtime.catalog,
    handleTurn: runtime.handleTurn,
    directLine: runtime.directLine,
    coordinators: runtime.coordinators,
    councils: runtime.councils,
    consultation: runtime.consultation,
    retention: {
      transcriptDays: runtime.config.TRANSCRIPT_RETENTION_DAYS,
      directLineDays: directLineRetentionDays,
      codeMinutes: continuationCodeMinutes,
    },
    countSent: (messages) => runtime.reminders.replies.count(messages),
  };
  for (const factory of factories) {
    const channel = await factory(context, metrics);
    if (channel) channels.push(channel);
  }
  const health = healthRoutes(runtime.db, metrics, runtime.databaseUp);
  const routes = [
    ...health,
    ...adminApiRoutes(runtime),
    ...adminPageRoutes(runtime),
    ...channels.flatMap((c) => c.routes),
  ];
  const server = createHttpServer(routes, runtime.log);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!channels.some((c) => c.upgrade?.(req, socket, head))) socket.destroy();
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
  return { server, channels, metrics, port };
}
