import type { EngineContext } from '../dialogs/engine-context.js';
import type { EngineEvent } from '../dialogs/engine-event.js';
import type { EngineInput } from '../dialogs/engine-input.js';
import type { EngineReply } from '../dialogs/engine-reply.js';
import type { IntentGuess } from '../dialogs/nlu/intent-name.js';
import { resumeSession, startSession } from '../dialogs/resume-session.js';
import type { Lang, SessionState } from '../dialogs/session-state.js';
import {
  applyTurnEffects,
  redeemContinuationCode,
  repairLastTurn,
} from '../storage/apply-turn-effects.js';
import { newContinuationCode } from '../storage/continuation-codes.js';
import type { LastTurn } from '../storage/documents.js';
import type { ChannelIdentity } from '../storage/identity.js';
import { participantFields } from '../storage/participant-fields.js';
import type { LoadedParticipant, ParticipantFields, Storage } from '../storage/storage.js';
import { lastTurnOf } from './last-turn-of.js';

export type { Channel, ChannelIdentity } from '../storage/identity.js';

export interface TurnHandlerOptions {
  storage: Storage;
  engine: Omit<EngineContext, 'now' | 'newContinuationCode'>;
  classify?: (text: string, lang: Lang) => Promise<IntentGuess | null>;
  now?: () => Date;
  defaultLang?: Lang;
  /** Draws the code « code » gives (random unless a test needs fixed ones). */
  newContinuationCode?: () => string;
  /** Shows a reminder kept for someone's next visit (bot/reminders/return-notices.ts). */
  returnNotices?: ReturnNotices;
  /** Records a workshop invitation kept for someone's next visit as shown (bot/workshop/). */
  invitationShown?: (drawId: string, participantId: string, at: Date) => Promise<void>;
}

/** Reminders that could not notify someone (the web without push) are shown at their next turn. */
export interface ReturnNotices {
  /** The text to say before the turn's replies, or undefined when it no longer applies. */
  notice(fields: ParticipantFields, now: Date): string | undefined;
  /** Recorded once the turn that showed it is committed. */
  shown(deliveryId: string, at: Date): Promise<void>;
}

export interface TurnMeta {
  /** The channel's id of the message (`tg:<bot>:<update>`…): the same id is processed once. */
  inboundId?: string | undefined;
  /** The language the channel reports, for someone new. */
  lang?: Lang | undefined;
}

export interface HandledTurn {
  replies: EngineReply[];
  events: EngineEvent[];
  /**
   * The same inbound message was processed before. `replies` are then those of that turn
   * when it was the participant's last one (a channel whose earlier attempt failed may
   * deliver them), else empty.
   */
  duplicate: boolean;
  participantId?: string;
  lang: Lang;
  /**
   * The replies of the participant's previous turn when it came through the same channel:
   * what was on their screen (a channel can take away buttons the person typed past).
   */
  previousReplies?: EngineReply[];
  /** Whether the participant has consented after this turn (what a channel may keep depends on it). */
  consented: boolean;
}

export type TurnHandler = (
  identity: ChannelIdentity,
  input: EngineInput,
  meta?: TurnMeta,
) => Promise<HandledTurn>;

/** Enough for 20 turns of one person at once (each may lose to all the others once). */
const maxAttempts = 30;

/**
 * The one handler every channel calls, in one direction: load (finishing the last turn's
 * effects if a crash interrupted them) → dedupe → understand → engine → commit → effects →
 * replies. Replies are returned only once the turn and its effects are stored. A turn that
 * lost a race with another turn of the same person (version check) is replayed.
 *
 * @example await handleTurn({ channel: 'console', externalId: 'me' }, { kind: 'text', text: 'oui' })
 */
export function createTurnHandler(options: TurnHandlerOptions): TurnHandler {
  const { storage } = options;
  const now = options.now ?? (() => new Date());
  const drawCode = options.newContinuationCode ?? newContinuationCode;

  const handleTurn: TurnHandler = async (identity, input, meta = {}) => {
    const { inboundId } = meta;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const loaded = await load(identity);
      if (inboundId !== undefined && loaded?.recentInboundIds.includes(inboundId))
        return duplicate(loaded.lastTurn, inboundId, loaded.state);
      const lang = loaded?.state.lang ?? meta.lang ?? options.defaultLang ?? 'fr';
      // Someone unknown cannot be unreachable: there is nobody to mark.
      if (loaded === null && input.kind === 'undeliverable')
        return { replies: [], events: [], duplicate: false, lang, consented: false };
      const understood = await understand(input, lang, options.classify);
      const ctx: EngineContext = {
        ...options.engine,
        now: now(),
        newContinuationCode: drawCode(),
        // Telegram can write to the person later in their chat; the web page cannot.
        reach: identity.channel === 'telegram' ? 'chat' : 'none',
      };
      const result = loaded
        ? resumeSession(loaded.state, understood, ctx)
        : startSession(understood, lang, ctx);
      const entered = result.events.find((e) => e.type === 'continuation_code_entered');
      if (entered) {
        // The code decides whose conversation this is: the engine then answers on that one.
        const outcome = await redeemContinuationCode(storage, identity, entered.code, ctx.now);
        return handleTurn(identity, { kind: 'continuation', outcome }, meta);
      }
      const version = (loaded?.version ?? 0) + 1;
      const fields = participantFields(result.state, ctx.consultation);
      // A reminder kept for this visit goes first (and is cleared by this commit).
      const waiting = input.kind === 'undeliverable' ? undefined : loaded?.reminderWaiting;
      const notice =
        waiting === undefined ? undefined : options.returnNotices?.notice(fields, ctx.now);
      if (notice !== undefined) result.replies.unshift({ text: notice });
      // An invitation to the workshop kept for this visit goes first of all (said once); once
      // the workshop is over (its contacts deleted) it is only cleared.
      const invitation = input.kind === 'undeliverable' ? undefined : loaded?.invitationWaiting;
      const deleteAfter = ctx.consultation.workshop?.deleteAfter;
      const invitationSaid =
        invitation !== undefined &&
        (deleteAfter === undefined || ctx.now.getTime() < Date.parse(deleteAfter));
      if (invitation !== undefined && invitationSaid)
        result.replies.unshift({ text: invitation.text });
      const lastTurn = lastTurnOf(
        { identity, input, inboundId },
        loaded?.state,
        version,
        result,
        ctx,
      );
      const consent = result.events.find((e) => e.type === 'consent_given');
      const completed = result.events.some((e) => e.type === 'questionnaire_completed');
      const outcome = await storage.participants.commit({
        identity,
        loaded,
        reminderShown: waiting,
        invitationShown: invitation?.drawId,
        state: result.state,
        fields,
        consent: consent ? { at: ctx.now, textVersion: consent.textVersion } : undefined,
        completedAt: completed ? ctx.now : undefined,
        inboundId,
        at: ctx.now,
        lastTurn,
      });
      if (outcome.kind === 'conflict') continue;
      if (outcome.kind === 'duplicate') return duplicate(outcome.lastTurn, inboundId, result.state);
      const { participantId } = outcome;
      await applyTurnEffects(storage, participantId, result.state.consultationId, lastTurn);
      if (waiting !== undefined && notice !== undefined)
        await options.returnNotices?.shown(waiting, ctx.now);
      if (invitation !== undefined && invitationSaid)
        await options.invitationShown?.(invitation.drawId, participantId, ctx.now);
      return {
        replies: result.replies,
        events: result.events,
        duplicate: false,
        participantId,
        lang: result.state.lang,
        previousReplies:
          loaded?.lastTurn.channel === identity.channel ? loaded.lastTurn.replies : [],
        consented: result.state.consented,
      };
    }
    throw new Error(
      `too many concurrent updates for ${identity.channel} participant; giving up this turn`,
    );
  };

  /** The identity's participant with its last turn complete (null: someone new). */
  async function load(identity: ChannelIdentity): Promise<LoadedParticipant | null> {
    const loaded = await storage.participants.load(identity);
    return loaded === null ? null : repairLastTurn(storage, loaded);
  }

  return handleTurn;
}

/** Adds the NLU's guess to a typed message (in the person's language, else the other one). */
export async function understand(
  input: EngineInput,
  lang: Lang,
  classify: TurnHandlerOptions['classify'],
): Promise<EngineInput> {
  if (input.kind !== 'text' || !classify || input.intent !== undefined) return input;
  // People switch languages mid-sentence: "arrêtez de m'écrire" in an English conversation.
  const intent =
    (await classify(input.text, lang)) ?? (await classify(input.text, lang === 'fr' ? 'en' : 'fr'));
  return { ...input, intent };
}

function duplicate(
  lastTurn: LastTurn | undefined,
  inboundId: string | undefined,
  state: Pick<SessionState, 'lang' | 'consented'>,
): HandledTurn {
  const same = lastTurn !== undefined && lastTurn.inboundId === inboundId;
  const { lang, consented } = state;
  return { replies: same ? lastTurn.replies : [], events: [], duplicate: true, lang, consented };
}
