import type { Catalog } from '../../dialogs/translate.js';
import type { TurnHandler } from '../handle-turn.js';
import { activityToInput, langOfLocale, type InboundActivity } from './activity-to-input.js';
import type { ActivityJson, DirectLineConversation, DirectLineStore } from './directline-store.js';
import { replyToActivity } from './reply-to-activity.js';

export interface DeliverDeps {
  repo: DirectLineStore;
  handleTurn: TurnHandler;
  catalog: Catalog;
  /** Wakes the WebSocket streams of the conversation. */
  publish(conversationId: string): void;
}

export interface PostedActivity extends InboundActivity {
  clientActivityId?: string | undefined;
}

export const botAccount = { id: 'concerto', name: 'Concerto', role: 'bot' } as const;

/**
 * Stores the person's activity, runs the turn, stores the bot's replies, then returns the
 * person's activity id: once it resolves, a poll sees the replies. A send retried with the
 * same client id is neither stored nor answered twice (handleTurn also dedupes by inbound id).
 */
export async function deliverActivity(
  deps: DeliverDeps,
  conversation: DirectLineConversation,
  posted: PostedActivity,
): Promise<string> {
  const { repo } = deps;
  const conversationId = conversation._id;
  const now = new Date();
  const earlier = posted.clientActivityId
    ? await repo.findByClientId(conversationId, posted.clientActivityId)
    : null;
  if (earlier?.processed) return earlier._id;
  const [stored] = earlier
    ? [earlier]
    : await repo.append(
        conversationId,
        [
          {
            activity: userActivity(conversation, posted),
            clientActivityId: posted.clientActivityId,
          },
        ],
        now,
      );
  if (!stored) throw new Error('the activity was not stored');
  deps.publish(conversationId);
  const input = activityToInput(posted);
  if (input) {
    const identity = { channel: 'web' as const, externalId: conversation.userId };
    const lang = langOfLocale(posted.locale);
    const turn = await deps.handleTurn(identity, input, {
      inboundId: `dl:${stored._id}`,
      ...(lang ? { lang } : {}),
    });
    // A send retried after a failure here gets the replies of the turn it caused (duplicate).
    const replies = turn.replies.map((reply) => ({
      activity: {
        ...replyToActivity(reply, turn.lang, deps.catalog, conversation.userId),
        channelId: 'directline',
        from: botAccount,
        recipient: { id: conversation.userId, role: 'user' },
        conversation: { id: conversationId },
        replyToId: stored._id,
      },
    }));
    if (turn.events.some((e) => e.type === 'data_deletion_requested')) {
      // The answers are gone from storage: the copy of the chat kept for Direct Line goes too.
      await repo.deleteActivities(conversationId);
      await repo.append(conversationId, replies, new Date());
      deps.publish(conversationId);
      return stored._id;
    }
    await repo.append(conversationId, replies, new Date());
  }
  await repo.markProcessed(stored._id);
  deps.publish(conversationId);
  return stored._id;
}

/** The person's activity as echoed to the stream: `from` is the conversation's user, not the client's claim. */
function userActivity(conversation: DirectLineConversation, posted: PostedActivity): ActivityJson {
  return {
    type: posted.type,
    ...(posted.name ? { name: posted.name } : {}),
    ...(posted.text !== undefined ? { text: posted.text } : {}),
    ...(posted.value !== undefined ? { value: posted.value } : {}),
    ...(posted.locale ? { locale: posted.locale } : {}),
    channelId: 'directline',
    from: { id: conversation.userId, role: 'user' },
    conversation: { id: conversation._id },
    ...(posted.clientActivityId
      ? { channelData: { clientActivityId: posted.clientActivityId } }
      : {}),
  };
}
