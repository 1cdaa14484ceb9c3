import { continuationCodeOf } from '../dialogs/continuation-step.js';
import type { EngineContext, TurnResult } from '../dialogs/engine-context.js';
import type { EngineEvent } from '../dialogs/engine-event.js';
import type { EngineInput } from '../dialogs/engine-input.js';
import type { Lang, SessionState } from '../dialogs/session-state.js';
import { describeAnswer } from '../storage/describe-answer.js';
import type { AnswerWrite, LastTurn, TranscriptEntry } from '../storage/documents.js';
import type { ChannelIdentity } from '../storage/identity.js';

/**
 * What a turn leaves to storage besides its state, from the engine's result: the replies,
 * what the person sent (once they consented), the answers with their labels, a new
 * continuation code, an erasure.
 */
export function lastTurnOf(
  turn: { identity: ChannelIdentity; input: EngineInput; inboundId?: string | undefined },
  before: SessionState | undefined,
  version: number,
  result: TurnResult,
  ctx: EngineContext,
): LastTurn {
  const { state, events, replies } = result;
  const issued = events.find((e) => e.type === 'continuation_code_issued');
  const code = issued ? continuationCodeOf(issued.code) : undefined;
  const erased = events.some((e) => e.type === 'data_deletion_requested');
  const contact = workshopContactOf(events);
  // Nothing a person writes is kept before they agree to it; a failed delivery says nothing.
  const kept = state.consented && turn.input.kind !== 'undeliverable';
  return {
    version,
    ...(turn.inboundId === undefined ? {} : { inboundId: turn.inboundId }),
    at: ctx.now,
    channel: turn.identity.channel,
    replies: replies.map((reply) => ({ ...reply })),
    // A contact (or gender) is kept apart from the conversation: the transcript does not repeat it.
    ...(kept
      ? {
          inbound: keptApart(contact) ?? typedApart(before, turn.input) ?? inboundEntry(turn.input),
        }
      : {}),
    answers: answerWrites(events, ctx, state.lang),
    ...(code === undefined ? {} : { codeIssued: code }),
    ...(erased ? { deletion: { questionIds: Object.keys(before?.answers ?? {}) } } : {}),
    ...(contact === undefined || erased ? {} : { workshopContact: contact }),
  };
}

/** What the transcript says in place of a contact or a gender left for the workshop. */
function keptApart(change: LastTurn['workshopContact']): TranscriptEntry | undefined {
  if (change?.action === 'set') return { direction: 'in', text: '[contact]' };
  if (change?.action === 'gender') return { direction: 'in', text: '[gender]' };
  return undefined;
}

/**
 * Whatever is typed at the contact or gender step (an address not understood, « plutôt
 * femme ») stays out of the transcript too: it is about what the step keeps apart.
 */
function typedApart(
  before: SessionState | undefined,
  input: EngineInput,
): TranscriptEntry | undefined {
  if (input.kind !== 'text') return undefined;
  if (before?.pending?.kind === 'workshop_contact') return { direction: 'in', text: '[contact]' };
  if (before?.pending?.kind === 'workshop_gender') return { direction: 'in', text: '[gender]' };
  return undefined;
}

/** The last change to the workshop contact in the turn: one left, a gender, or a withdrawal. */
function workshopContactOf(events: readonly EngineEvent[]): LastTurn['workshopContact'] {
  let change: LastTurn['workshopContact'];
  for (const event of events) {
    if (event.type === 'workshop_contact_given') change = { action: 'set', ...event.contact };
    if (event.type === 'workshop_gender_given') change = { action: 'gender', gender: event.gender };
    if (event.type === 'workshop_gender_declined') change = { action: 'gender' };
    if (event.type === 'workshop_contact_withdrawn') change = { action: 'remove' };
  }
  return change;
}

/** The last value given to each question during the turn, as the person saw it. */
function answerWrites(
  events: readonly EngineEvent[],
  ctx: EngineContext,
  lang: Lang,
): AnswerWrite[] {
  const byQuestion = new Map<string, AnswerWrite>();
  for (const event of events) {
    if (event.type !== 'answer_recorded' && event.type !== 'answer_changed') continue;
    const { questionId, value, questionnaireVersion } = event;
    const described = describeAnswer(ctx.consultation, questionId, value, ctx.catalog, lang);
    byQuestion.set(questionId, { questionId, value, ...described, questionnaireVersion });
  }
  return [...byQuestion.values()];
}

/** The person's side of a turn, as the transcript shows it. */
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
    case 'continuation':
      return { direction: 'in', text: '[continuation code]' };
    case 'undeliverable':
      return { direction: 'in', text: '[undeliverable]' };
  }
}
