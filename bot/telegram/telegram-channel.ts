import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot } from 'grammy';
import { translator } from '../../dialogs/translate.js';
import type { Channel, ChannelContext, ChannelFactory } from '../serve-command.js';
import { handleCoordinatorUpdate } from './handle-coordinator-update.js';
import { InFlight } from './in-flight.js';
import { handleResidentUpdate } from './handle-resident-update.js';
import { dropMalformedUpdates, langFromCode } from './input-from-update.js';
import { registerCommands } from './register-commands.js';
import { retryTransformer, telegramRetryPolicy, type RetryPolicy } from './retry-transformer.js';
import { countSent } from './count-sent.js';
import { describeError } from './send-replies.js';
import {
  telegramSendLimits,
  throttleTransformer,
  type SendLimits,
} from './throttle-transformer.js';
import { webhookPath, webhookRoute } from './webhook-route.js';
import { inTurn } from '../turn-scope.js';
import { countRateLimits } from './count-rate-limits.js';

/** Pacing and retries; production uses Telegram's limits, tests may go faster. */
export interface TelegramChannelOptions {
  limits?: SendLimits;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

const drainTimeoutMs = 15_000;

const allowedUpdates = ['message', 'edited_message', 'callback_query', 'channel_post'] as const;

/**
 * The Telegram channel, on when TELEGRAM_BOT_TOKEN is set: long polling (concurrent across
 * chats, one update at a time within a chat) or a webhook behind PUBLIC_URL.
 */
export function telegramChannel(options: TelegramChannelOptions = {}): ChannelFactory {
  return async (context, metrics) => {
    const {
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: apiRoot,
      TELEGRAM_MODE: mode,
    } = context.config;
    if (!token) return undefined;
    const bot = new Bot(token, apiRoot ? { client: { apiRoot } } : {});
    bot.api.config.use(countRateLimits(metrics));
    // The last transformer installed runs first: each retry goes through the throttle again.
    bot.api.config.use(countSent(context.countSent));
    bot.api.config.use(throttleTransformer(options.limits ?? telegramSendLimits, options.sleep));
    bot.api.config.use(retryTransformer(options.retry ?? telegramRetryPolicy, options.sleep));
    const inFlight = new InFlight();
    bot.use(inFlight.middleware);
    bot.use((_ctx, next) => inTurn(next));
    bot.use(dropMalformedUpdates(context.log));
    if (mode === 'polling') bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    bot.use(async (ctx) => {
      if (await handleCoordinatorUpdate(ctx, context)) return;
      await handleResidentUpdate(ctx, context);
    });
    bot.catch(apologise(context));
    if (mode === 'webhook') {
      const secret = context.config.TELEGRAM_WEBHOOK_SECRET;
      if (!secret)
        throw new Error('TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook');
      return webhookChannel(bot, context, secret, metrics);
    }
    return pollingChannel(bot, context, inFlight);
  };
}

function webhookChannel(
  bot: Bot,
  context: ChannelContext,
  secret: string,
  metrics: Parameters<ChannelFactory>[1],
): Channel {
  return {
    name: 'telegram',
    routes: [webhookRoute(bot, secret, context.log, metrics)],
    start: async () => {
      await prepare(bot, context);
      const url = new URL(webhookPath, context.config.PUBLIC_URL).toString();
      const maxConnections = context.config.TELEGRAM_WEBHOOK_MAX_CONNECTIONS;
      await bot.api.setWebhook(url, {
        secret_token: secret,
        allowed_updates: [...allowedUpdates],
        max_connections: maxConnections,
      });
      context.log.info({ url, maxConnections }, 'telegram: webhook registered');
    },
    // The webhook stays registered: other instances behind the same URL keep serving.
    stop: async () => undefined,
  };
}

function pollingChannel(bot: Bot, context: ChannelContext, inFlight: InFlight): Channel {
  let runner: RunnerHandle | undefined;
  return {
    name: 'telegram',
    routes: [],
    start: async () => {
      await prepare(bot, context);
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...allowedUpdates] } } });
      context.log.info({ bot: bot.botInfo.username }, 'telegram: polling');
    },
    // Stops fetching, then lets the updates already taken finish (their replies included).
    stop: async () => {
      if (runner?.isRunning()) await runner.stop();
      await inFlight.drained(drainTimeoutMs);
    },
  };
}

async function prepare(bot: Bot, context: ChannelContext): Promise<void> {
  await bot.init();
  // The menu is a convenience: a failure here must not keep the bot from answering.
  await registerCommands(bot.api, context.catalog).catch((error: unknown) =>
    context.log.warn(describeError(error), 'telegram: could not register the command menu'),
  );
}

/** The one error handler (polling): log, tell the person plainly, keep serving everyone else. */
function apologise(context: ChannelContext): Parameters<Bot['catch']>[0] {
  return async (error) => {
    const { ctx } = error;
    context.log.error(
      { ...describeError(error.error), updateId: ctx.update.update_id },
      'telegram: update failed',
    );
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    const chat = ctx.chat;
    if (chat?.type !== 'private') return;
    const t = translator(context.catalog, langFromCode(ctx.from?.language_code));
    await ctx.api.sendMessage(chat.id, t('error.temporary')).catch(() => undefined);
  };
}
