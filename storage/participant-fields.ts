import type { Consultation } from '../dialogs/questionnaire-schema.js';
import type { SessionState } from '../dialogs/session-state.js';
import type { ParticipantStatus } from './documents.js';
import type { ParticipantFields } from './storage.js';

/**
 * The fields of a participant document that follow from the engine state, for people who
 * query the database (coordinators' figures, reminders, exports) without decoding states.
 *
 * @example participantFields(state, consultation).progress // { answered: 7, themesCompleted: ['education'], themesLeft: 5 }
 */
export function participantFields(
  state: SessionState,
  consultation: Consultation,
): ParticipantFields {
  const answered = Object.values(state.answers).filter((value) => value.kind !== 'skipped').length;
  const role = state.answers['role'];
  return {
    consultationId: state.consultationId,
    councilId: state.councilId,
    role: role?.kind === 'choice' ? role.choiceId : undefined,
    lang: state.lang,
    status: statusOf(state, answered),
    progress: {
      answered,
      themesCompleted: [...state.completedThemes],
      themesLeft: consultation.themes.filter((theme) => !state.completedThemes.includes(theme.id))
        .length,
    },
    remindersOff: state.remindersOff,
    unreachable: state.unreachable === true,
  };
}

function statusOf(state: SessionState, answered: number): ParticipantStatus {
  if (!state.consented) return 'consent_pending';
  if (state.completed) return 'completed';
  return answered === 0 ? 'not_started' : 'in_progress';
}
