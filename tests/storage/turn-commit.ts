import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import type { AnswerWrite, TranscriptEntry } from '../../storage/documents.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { participantFields } from '../../storage/participant-fields.js';
import type { LoadedParticipant, TurnCommit } from '../../storage/storage.js';

const loaded = shippedConsultation();
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
export const consultation = loaded.consultation;
export const consultationId = consultation.id;
export const questionnaireVersion = consultation.version;

export interface Change {
  state?: (state: SessionState) => SessionState;
  inboundId?: string;
  at?: Date;
  replies?: EngineReply[];
  /** What the person sent; set it for a consented turn (it then has a transcript). */
  inbound?: TranscriptEntry;
  answers?: AnswerWrite[];
  consent?: { at: Date; textVersion: string };
  completedAt?: Date;
}

/** A turn as the handler builds it, from what was loaded (or nothing) and a change. */
export function turnCommit(
  identity: ChannelIdentity,
  from: LoadedParticipant | null,
  change: Change = {},
): TurnCommit {
  const before = from?.state ?? initialState(consultationId, 'fr');
  const state = change.state ? change.state(before) : before;
  const at = change.at ?? new Date('2017-11-23T09:00:00Z');
  return {
    identity,
    loaded: from,
    state,
    fields: participantFields(state, consultation),
    consent: change.consent,
    completedAt: change.completedAt,
    inboundId: change.inboundId,
    at,
    lastTurn: {
      version: (from?.version ?? 0) + 1,
      ...(change.inboundId === undefined ? {} : { inboundId: change.inboundId }),
      at,
      channel: identity.channel,
      replies: (
        change.replies ?? [{ text: 'Bienvenue', choices: [{ id: 'yes', label: 'Oui' }] }]
      ).map((reply) => ({ ...reply })),
      ...(change.inbound === undefined ? {} : { inbound: change.inbound }),
      answers: change.answers ?? [],
    },
  };
}

/** A consented turn answering one question, with the matching answer write and transcript. */
export function answerCommit(
  identity: ChannelIdentity,
  from: LoadedParticipant | null,
  questionId: string,
  value: AnswerValue,
  change: Change = {},
): TurnCommit {
  return turnCommit(identity, from, {
    state: (state) => ({
      ...state,
      consented: true,
      stage: 'questions',
      answers: { ...state.answers, [questionId]: value },
    }),
    inbound: { direction: 'in', text: value.kind === 'text' ? value.text : questionId },
    answers: [{ questionId, value, questionnaireVersion }],
    ...change,
  });
}

export function text(value: string): AnswerValue {
  return { kind: 'text', text: value };
}
