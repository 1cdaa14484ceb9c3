import { ActivityHandler, ActivityTypes, type TurnContext } from 'botbuilder';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { translator, type Catalog } from '../../dialogs/translate.js';
import type { TurnHandler } from '../handle-turn.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import { activityToInput, langOfLocale } from './activity-to-input.js';
import { replyToActivity } from './reply-to-activity.js';

/**
 * The engine behind Bot Framework's `ActivityHandler`: a message (text or a postBack's
 * `{ promptId, choiceId }`) or a member joining becomes one handleTurn; the replies go back as
 * activities. The identity is `bf:<channelId>:<from.id>`; the activity id makes retries idempotent.
 */
export class ConcertoBot extends ActivityHandler {
  constructor(handleTurn: TurnHandler, catalog: Catalog, log: Logger, metrics?: Metrics) {
    super();
    const run = async (context: TurnContext, input: EngineInput) => {
      const { activity } = context;
      const identity = {
        channel: 'web' as const,
        externalId: `bf:${activity.channelId}:${activity.from.id}`,
      };
      const lang = langOfLocale(activity.locale);
      let replyLang: Lang = lang ?? 'fr';
      try {
        const turn = await handleTurn(identity, input, {
          ...(activity.id ? { inboundId: `bf:${activity.channelId}:${activity.id}` } : {}),
          ...(lang ? { lang } : {}),
        });
        replyLang = turn.lang;
        // A retried activity was answered before (Bot Framework cannot tell us otherwise).
        if (turn.duplicate || turn.replies.length === 0) return;
        await context.sendActivities(
          turn.replies.map((reply) => replyToActivity(reply, turn.lang, catalog, activity.from.id)),
        );
      } catch (error) {
        // Infrastructure failure: log it once here, tell the person plainly; the state is unchanged.
        metrics?.increment('concerto_web_errors_total', 'Web channel failures, by kind.', {
          kind: 'bot_framework_turn',
        });
        log.error({ err: error, channelId: activity.channelId }, 'Bot Framework turn failed');
        await context.sendActivity(translator(catalog, replyLang)('web.error'));
      }
    };
    this.onMessage(async (context, next) => {
      const input = activityToInput({
        type: ActivityTypes.Message,
        text: context.activity.text,
        value: context.activity.value,
      });
      if (input) await run(context, input);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some(
        (m) => m.id !== context.activity.recipient.id,
      );
      if (joined) await run(context, { kind: 'start' });
      await next();
    });
    this.onEvent(async (context, next) => {
      const { name, value } = context.activity;
      const input = activityToInput({ type: 'event', name, value });
      if (input) await run(context, input);
      await next();
    });
  }
}
