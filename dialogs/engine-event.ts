import type { AnswerValue } from './answer-value.js';
import type { Lang } from './nlu/intent-name.js';
import type { WorkshopContact } from './workshop-contact.js';
import type { WorkshopGender } from './workshop-gender.js';

/** What happened during one turn; storage saves them, channels and reports read them. */
export type EngineEvent =
  | { type: 'session_started' }
  /** `textVersion`: the version of the consent text accepted (the consultation's `consent.version`). */
  | { type: 'consent_given'; textVersion: string }
  | { type: 'consent_refused' }
  | { type: 'council_selected'; councilId: string }
  | {
      type: 'answer_recorded';
      questionId: string;
      value: AnswerValue;
      questionnaireVersion: string;
    }
  | {
      type: 'answer_changed';
      questionId: string;
      value: AnswerValue;
      previous: AnswerValue;
      questionnaireVersion: string;
    }
  | { type: 'theme_completed'; themeId: string }
  | { type: 'questionnaire_completed' }
  | { type: 'language_changed'; lang: Lang }
  | { type: 'reminders_opted_out' }
  | { type: 'data_deletion_requested' }
  /** A code to continue elsewhere was given (the one in `ctx.newContinuationCode`). */
  | { type: 'continuation_code_issued'; code: string }
  /** The person typed a continuation code (normalised, `ABCDEFGH`); the caller redeems it. */
  | { type: 'continuation_code_entered'; code: string }
  /** A volunteer for the workshop left a way to reach them; storage keeps it apart. */
  | { type: 'workshop_contact_given'; contact: WorkshopContact }
  | { type: 'workshop_contact_declined' }
  /** A volunteer said their gender for the workshop's balance; kept with the contact, apart. */
  | { type: 'workshop_gender_given'; gender: WorkshopGender }
  /** « Je préfère ne pas le dire »: nothing kept (a gender given before is forgotten). */
  | { type: 'workshop_gender_declined' }
  /** They no longer volunteer: the contact (and gender) they left is deleted. */
  | { type: 'workshop_contact_withdrawn' }
  | { type: 'participant_unreachable' }
  | { type: 'participant_reachable' }
  | { type: 'input_rejected'; reason: RejectReason };

export type RejectReason =
  | 'empty'
  | 'no_match'
  | 'too_many'
  | 'out_of_range'
  | 'too_long'
  | 'too_short'
  | 'media'
  | 'stale_button'
  | 'required'
  | 'no_opinion_alone'
  | 'already_ranked';

export type EngineEventType = EngineEvent['type'];
