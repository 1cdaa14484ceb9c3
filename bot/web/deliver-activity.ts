import { createHash } from 'node:crypto';
import type { Catalog } from '../../dialogs/translate.js';
import type { HandledTurn, TurnHandler } from '../handle-turn.js';
import { activityToInput, langOfLocale } from './activity-to-input.js';
import type {
  ActivityJson,
  DirectLineConversation,
  DirectLineStore,
  NewActivity,
  StoredActivity,
} from './directline-store.js';
import type { PostedActivity } from './posted-activity.js';
import { replyToActivity } from './reply-to-activity.js';

export interface DeliverDeps {
  repo: DirectLineStore;
  handleTurn: TurnHandler;
  catalog: Catalog;
  /** Wakes this process's streams of the conversation: activities up to `seq` are readable. */
  publish(conversationId: string, seq: number): void;
  /** How long the web chat copy is kept after consent (the privacy page says so). */
  retentionDays: number;
  /** The longest text the questionnaire accepts: a longer one is stored cut to it. */
  maxStoredText: number;
  /** Counts the turns run (web-metrics.ts). */
  countTurn?: () => void;
}

/** Who speaks: the user the conversation is bound to, or the client's own id where none is. */
export interface Speaker {
  id: string;
  name?: string | undefined;
}

export const botAccount = { id: 'concerto', name: 'Concerto', role: 'bot' } as const;

/** Before consent, what the page shows is kept this long, and never in transcripts. */
export const preConsentMs = 3_600_000;
/** After an erasure, the confirmation stays this long for the page to show it, then goes. */
export const farewellMs = 10 * 60_000;
/** How far after its claim a retried activity and its replies are looked for. */
const retryWindow = 200;
const dayMs = 86_400_000;

/**
 * Stores the person's activity, runs the turn, stores the bot's replies, then returns the
 * person's activity id: once it resolves, a poll sees the replies. With a client activity id
 * (the page's and Web Chat's retries carry the same one), it is exactly once even across a
 * crash: the id is claimed first (`<conversation>|<clientActivityId>`), the turn's inbound id
 * derives from it (handleTurn runs a turn once and gives a redelivery the replies of the turn
 * it caused), and every activity written for it carries a key (`c:<id>`, `r:<id>:<n>`), so a
 * retry writes only what is missing. Must run one at a time per conversation in a process.
 */
export async function deliverActivity(
  deps: DeliverDeps,
  conversation: DirectLineConversation,
  posted: PostedActivity,
  speaker: Speaker,
): Promise<string> {
  const { repo } = deps;
  const conversationId = conversation._id;
  const now = new Date();
  const clientId = posted.clientActivityId;
  const keep = (consented: boolean): Date =>
    new Date(now.getTime() + (consented ? deps.retentionDays * dayMs : preConsentMs));
  const echo: NewActivity = {
    activity: userActivity(conversation, posted, speaker, deps.maxStoredText),
    key: clientId === undefined ? undefined : `c:${clientId}`,
    expiresAt: keep(conversation.consented),
  };

  let top = conversation.seq;
  const earlier = new Map<string, StoredActivity>();
  let done = false;
  if (clientId !== undefined) {
    const claim = await repo.claimClientActivity({
      conversationId,
      clientActivityId: clientId,
      after: conversation.seq,
      at: now,
      expiresAt: keep(conversation.consented),
    });
    if (!claim.fresh) {
      // A retry: what its first attempt wrote lies after the claim.
      top = await repo.repairLag(conversation, now);
      const { after } = claim.claimed;
      const found = await repo.activitiesBetween(
        conversationId,
        after,
        Math.min(top, after + retryWindow),
        now,
      );
      for (const activity of found) if (activity.key) earlier.set(activity.key, activity);
      done = claim.claimed.done === true || conversation.lastClientActivityId === clientId;
    }
  }
  const known = echo.key === undefined ? undefined : earlier.get(echo.key);
  const stored = known ?? (await repo.insertFrom(conversationId, top + 1, [echo], now))[0];
  if (!stored) throw new Error('the activity was not stored');
  let last = Math.max(top, stored.seq);
  const input = activityToInput(posted);
  if (done || !input) {
    await repo.advance(conversationId, last, now);
    deps.publish(conversationId, last);
    return stored._id;
  }

  let turn: HandledTurn;
  try {
    const lang = langOfLocale(posted.locale);
    turn = await deps.handleTurn({ channel: 'web', externalId: speaker.id }, input, {
      inboundId: inboundIdOf(conversationId, clientId ?? stored._id),
      ...(lang ? { lang } : {}),
    });
  } catch (error) {
    // The person's activity stays visible; the retry finds it and runs the turn again.
    await repo.advance(conversationId, last, now).catch(() => undefined);
    throw error;
  }
  if (!turn.duplicate) deps.countTurn?.();
  const replies: NewActivity[] = turn.replies.map((reply, n) => ({
    activity: {
      ...replyToActivity(reply, turn.lang, deps.catalog, speaker.id),
      channelId: 'directline',
      from: botAccount,
      recipient: { id: speaker.id, role: 'user' },
      conversation: { id: conversationId },
      replyToId: stored._id,
    },
    key: clientId === undefined ? undefined : `r:${clientId}:${n}`,
    expiresAt: keep(turn.consented),
  }));

  const erased =
    turn.events.some((e) => e.type === 'data_deletion_requested') ||
    // A new participant where one had consented: the earlier one was erased by a turn whose
    // own erasure of this copy a crash interrupted.
    (turn.events.some((e) => e.type === 'session_started') && conversation.consented);
  if (erased) {
    // Erasure: nothing of the conversation stays but the confirmation, for a few minutes.
    const end = new Date(now.getTime() + farewellMs);
    // The farewell names nobody: no recipient, and no buttons (they would lead nowhere).
    const farewell = replies.map(({ activity }) => {
      const { recipient: _recipient, suggestedActions: _actions, ...rest } = activity;
      return { activity: rest };
    });
    deps.publish(conversationId, await repo.endConversation(conversation, farewell, end, now));
    return stored._id;
  }

  const missing = replies.filter((reply) => reply.key === undefined || !earlier.has(reply.key));
  const written = await repo.insertFrom(conversationId, last + 1, missing, now);
  last = Math.max(last, written.at(-1)?.seq ?? last);

  // Nothing typed before consent is kept: forgotten once consent is given or refused.
  const pending =
    conversation.consented || conversation.preConsent.includes(stored.seq)
      ? conversation.preConsent
      : [...conversation.preConsent, stored.seq];
  const settled = turn.consented || turn.events.some((e) => e.type === 'consent_refused');
  // This activity's own echo stays (the client waits for it); it expires within the hour.
  const forget = settled ? pending.filter((seq) => seq !== stored.seq) : [];
  if (forget.length > 0) await repo.deleteActivities(conversationId, forget);
  await repo.advance(conversationId, last, now, {
    ...(clientId === undefined ? {} : { lastClientActivityId: clientId }),
    consented: turn.consented,
    preConsent: settled ? [] : pending.slice(-100),
  });
  deps.publish(conversationId, last);
  return stored._id;
}

/**
 * The inbound id of a person's activity for handleTurn: from the client's id when it gave one
 * (a retry is then the same message), hashed so that it names no conversation.
 */
export function inboundIdOf(conversationId: string, clientOrActivityId: string): string {
  const digest = createHash('sha256').update(`${conversationId}|${clientOrActivityId}`).digest();
  return `dl:${digest.toString('base64url').slice(0, 22)}`;
}

/**
 * The person's activity as echoed to the stream: `from` is the speaker (the bound user, not
 * the client's claim), the client id spelled as the client spelled it, text cut to what the
 * questionnaire can accept.
 */
function userActivity(
  conversation: DirectLineConversation,
  posted: PostedActivity,
  speaker: Speaker,
  maxText: number,
): ActivityJson {
  const text = posted.text === undefined ? undefined : cut(posted.text, maxText);
  return {
    type: posted.type,
    ...(posted.name ? { name: posted.name } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(posted.value !== undefined ? { value: posted.value } : {}),
    ...(posted.locale ? { locale: posted.locale } : {}),
    channelId: 'directline',
    from: { id: speaker.id, ...(speaker.name ? { name: speaker.name } : {}), role: 'user' },
    conversation: { id: conversation._id },
    ...(posted.clientActivityId !== undefined && posted.clientIdField
      ? { channelData: { [posted.clientIdField]: posted.clientActivityId } }
      : {}),
  };
}

/** At most `max` code points (a split emoji would be stored as U+FFFD). */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max).join('')}…`;
}
