import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { EngineEvent } from '../../dialogs/engine-event.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import type {
  ChannelIdentity,
  StoredSession,
  TranscriptEntry,
  TurnToCommit,
} from '../../storage/conversation-store.js';

export const consultationId = 'conseils-citoyens-2017';
export const questionnaireVersion = '2017-11-22';

/** A turn as the handler builds it: from what was loaded (or nothing), a new state and events. */
export function buildTurn(
  identity: ChannelIdentity,
  stored: StoredSession | null,
  change: {
    state?: (state: SessionState) => SessionState;
    events?: EngineEvent[];
    transcript?: TranscriptEntry[];
  } = {},
  meta: { inboundId?: string; at?: Date } = {},
): TurnToCommit {
  const before = stored?.state ?? initialState(consultationId, 'fr');
  return {
    identity,
    participantId: stored?.participantId,
    expectedVersion: stored?.version ?? 0,
    state: change.state ? change.state(before) : before,
    events: change.events ?? [],
    transcript: change.transcript ?? [
      { direction: 'in', text: 'bonjour' },
      { direction: 'out', text: 'Bienvenue', choiceIds: ['yes', 'no'] },
    ],
    inboundId: meta.inboundId,
    at: meta.at ?? new Date('2017-11-23T09:00:00Z'),
  };
}

/** A turn that records (or changes) one answer, with the matching event. */
export function answerTurn(
  identity: ChannelIdentity,
  stored: StoredSession | null,
  questionId: string,
  value: AnswerValue,
  meta: { inboundId?: string; at?: Date } = {},
): TurnToCommit {
  const previous = stored?.state.answers[questionId];
  const event: EngineEvent = previous
    ? { type: 'answer_changed', questionId, value, previous, questionnaireVersion }
    : { type: 'answer_recorded', questionId, value, questionnaireVersion };
  return buildTurn(
    identity,
    stored,
    {
      state: (state) => ({
        ...state,
        stage: 'questions',
        consented: true,
        answers: { ...state.answers, [questionId]: value },
      }),
      events: [event],
      transcript: [{ direction: 'in', text: value.kind === 'text' ? value.text : questionId }],
    },
    meta,
  );
}

export function text(value: string): AnswerValue {
  return { kind: 'text', text: value };
}
