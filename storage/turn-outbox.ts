import type { EngineEvent } from '../dialogs/engine-event.js';
import type { TurnToCommit } from './conversation-store.js';
import type { AnswerWrite, Outbox } from './documents.js';

/**
 * What a committed turn must still change outside its session document, derived from the
 * engine's events and the new state. Pure: the same turn always gives the same outbox.
 */
export function turnOutbox(turn: TurnToCommit, version: number): Outbox {
  const { state, events } = turn;
  const selected = events.filter((event) => event.type === 'council_selected');
  return {
    version,
    at: turn.at,
    identity: { channel: turn.identity.channel, externalId: turn.identity.externalId },
    ...(turn.inboundId === undefined ? {} : { inboundId: turn.inboundId }),
    answers: answerWrites(events),
    transcript: turn.transcript.map((entry) => ({
      direction: entry.direction,
      text: entry.text,
      ...(entry.choiceIds === undefined ? {} : { choiceIds: [...entry.choiceIds] }),
    })),
    participant: {
      consultationId: state.consultationId,
      ...optionalCouncil(state.councilId ?? selected.at(-1)?.councilId),
      lang: state.lang,
      status: state.completed ? 'completed' : 'started',
      remindersOff: state.remindersOff,
      completedThemes: [...state.completedThemes],
      consented: state.consented,
      consentGiven: events.some((event) => event.type === 'consent_given'),
      completedNow: events.some((event) => event.type === 'questionnaire_completed'),
    },
    reassignCouncil: selected.length > 0 ? Object.keys(state.answers).sort() : [],
  };
}

/** Answer events grouped by question, in the order they happened. */
function answerWrites(events: readonly EngineEvent[]): AnswerWrite[] {
  const byQuestion = new Map<string, AnswerWrite>();
  for (const event of events) {
    if (event.type !== 'answer_recorded' && event.type !== 'answer_changed') continue;
    const value = { value: event.value, questionnaireVersion: event.questionnaireVersion };
    const write = byQuestion.get(event.questionId);
    if (write) write.values.push(value);
    else byQuestion.set(event.questionId, { questionId: event.questionId, values: [value] });
  }
  return [...byQuestion.values()];
}

function optionalCouncil(councilId: string | undefined): { councilId?: string } {
  return councilId === undefined ? {} : { councilId };
}
