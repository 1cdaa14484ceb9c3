import type { EngineContext } from '../dialogs/engine-context.js';
import type { EngineEvent } from '../dialogs/engine-event.js';
import type { EngineInput } from '../dialogs/engine-input.js';
import type { EngineReply } from '../dialogs/engine-reply.js';
import type { IntentGuess, Lang } from '../dialogs/nlu/intent-name.js';
import { resumeSession, startSession } from '../dialogs/resume-session.js';
import { translator } from '../dialogs/translate.js';
import { continuationCodeOf, type RedeemOutcome } from '../storage/continuation-codes.js';
import type {
  ChannelIdentity,
  ConversationStore,
  TranscriptEntry,
} from '../storage/conversation-store.js';

export interface TurnHandlerOptions {
  store: ConversationStore;
  engine: Omit<EngineContext, 'now'>;
  classify?: (text: string, lang: Lang) => Promise<IntentGuess | null>;
  now?: () => Date;
  defaultLang?: Lang;
  /** Called when someone asks to continue elsewhere; returns the reply to add. */
  continuationCode?: (participantId: string, lang: Lang) => Promise<EngineReply>;
  /** Uses a continuation code typed in this channel: attaches the identity to the code's participant. */
  redeemCode?: (identity: ChannelIdentity, code: string, now: Date) => Promise<RedeemOutcome>;
}

export interface HandledTurn {
  replies: EngineReply[];
  events: EngineEvent[];
  /** The same inbound message was already applied: the channel sends nothing. */
  duplicate: boolean;
  participantId?: string;
  lang: Lang;
}

const MAX_ATTEMPTS = 8;

/**
 * The one handler every channel calls: load → understand → engine → store → replies.
 * Replies are returned only once the turn is durably stored. Concurrent turns for the same
 * person are serialised by the store's version check: the loser loads again and replays.
 *
 * @example await handleTurn({ channel: 'console', externalId: 'me' }, { kind: 'text', text: 'oui' })
 */
export function createTurnHandler(options: TurnHandlerOptions) {
  const now = options.now ?? (() => new Date());
  async function handleTurn(
    identity: ChannelIdentity,
    input: EngineInput,
    meta: { inboundId?: string; lang?: Lang } = {},
  ): Promise<HandledTurn> {
    const { inboundId } = meta;
    const wasProcessed = async () => !!inboundId && (await options.store.wasProcessed(inboundId));
    const code = input.kind === 'text' ? continuationCodeOf(input.text) : undefined;
    if (code && options.redeemCode) {
      if (await wasProcessed()) return duplicate(meta.lang);
      return redeem(options.redeemCode, identity, code, meta);
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      // Checked here, so the store need not check again before committing. A session this
      // process just committed remembers its recent inbound ids: no read is needed then.
      const stored = await options.store.load(identity);
      if (!stored?.fromCache && (await wasProcessed()))
        return duplicate(stored?.state.lang ?? meta.lang);
      if (inboundId && stored?.recentInboundIds.includes(inboundId))
        return duplicate(stored.state.lang);
      const lang = stored?.state.lang ?? meta.lang ?? options.defaultLang ?? 'fr';
      const understood = await understand(input, lang, options.classify);
      const ctx: EngineContext = { ...options.engine, now: now() };
      const result = stored
        ? resumeSession(stored.state, understood, ctx)
        : startSession(understood, lang, ctx);
      const replies = [...result.replies];
      const outcome = await options.store.commitTurn({
        identity,
        participantId: stored?.participantId,
        expectedVersion: stored?.version ?? 0,
        state: result.state,
        events: result.events,
        // Nothing a person writes is kept before they agree to it.
        transcript: result.state.consented
          ? [inboundEntry(input), ...replies.map(outboundEntry)]
          : [],
        inboundId,
        at: ctx.now,
        recentInboundIds: stored?.recentInboundIds,
        inboundChecked: true,
      });
      if (outcome.kind === 'duplicate') return duplicate(lang);
      if (outcome.kind === 'conflict') continue;
      const { participantId } = outcome;
      if (result.events.some((e) => e.type === 'data_deletion_requested')) {
        await options.store.deleteParticipant(participantId);
      }
      if (
        options.continuationCode &&
        result.events.some((e) => e.type === 'continuation_code_requested')
      ) {
        replies.push(await options.continuationCode(participantId, result.state.lang));
      }
      return {
        replies,
        events: result.events,
        duplicate: false,
        participantId,
        lang: result.state.lang,
      };
    }
    throw new Error(
      `too many concurrent updates for ${identity.channel} participant; giving up this turn`,
    );
  }

  /** A typed code, before the engine: on success the identity carries on the code's session. */
  async function redeem(
    redeemCode: NonNullable<TurnHandlerOptions['redeemCode']>,
    identity: ChannelIdentity,
    code: string,
    meta: { inboundId?: string; lang?: Lang },
  ): Promise<HandledTurn> {
    const outcome = await redeemCode(identity, code, now());
    const lang =
      (await options.store.load(identity))?.state.lang ?? meta.lang ?? options.defaultLang ?? 'fr';
    const t = translator(options.engine.catalog, lang);
    if (outcome.kind !== 'linked') {
      const text = t(outcome.kind === 'too_many' ? 'code.too_many' : 'code.invalid');
      return { replies: [{ text }], events: [], duplicate: false, lang };
    }
    const resumed = await handleTurn(identity, { kind: 'command', command: 'resume' }, meta);
    const accepted = translator(
      options.engine.catalog,
      resumed.lang,
    )(outcome.moved ? 'code.redeemed_moved' : 'code.redeemed');
    return { ...resumed, replies: [{ text: accepted }, ...resumed.replies] };
  }

  return handleTurn;
}

export type TurnHandler = ReturnType<typeof createTurnHandler>;

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

function duplicate(lang: Lang | undefined): HandledTurn {
  return { replies: [], events: [], duplicate: true, lang: lang ?? 'fr' };
}

function inboundEntry(input: EngineInput): TranscriptEntry {
  switch (input.kind) {
    case 'text':
      return { direction: 'in', text: input.text };
    case 'choice':
      return {
        direction: 'in',
        text: `[${input.promptId}:${input.choiceId}]`,
        choiceIds: [input.choiceId],
      };
    case 'command':
      return { direction: 'in', text: `/${input.command}` };
    case 'start':
      return { direction: 'in', text: input.payload ? `/start ${input.payload}` : '/start' };
    case 'media':
      return { direction: 'in', text: `[${input.media}]` };
  }
}

function outboundEntry(reply: EngineReply): TranscriptEntry {
  return {
    direction: 'out',
    text: reply.text,
    ...(reply.choices ? { choiceIds: reply.choices.map((c) => c.id) } : {}),
  };
}
