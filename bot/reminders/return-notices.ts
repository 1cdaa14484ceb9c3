import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import type { ReminderRepository } from '../../storage/reminder-repository.js';
import type { ReturnNotices } from '../handle-turn.js';
import { returnNotice } from './reminder-text.js';

/**
 * The reminders kept for a next visit (no way to notify the person when they were sent):
 * said before the answer to whatever they send next, if it still applies then (not finished,
 * reminders not turned off, before the deadline); the delivery is then recorded `shown`.
 */
export function returnNotices(
  consultation: Consultation,
  catalog: Catalog,
  repository: ReminderRepository,
): ReturnNotices {
  return {
    notice(fields, now) {
      if (fields.status !== 'not_started' && fields.status !== 'in_progress') return undefined;
      if (fields.remindersOff) return undefined;
      if (consultation.closesAt && now.getTime() >= Date.parse(consultation.closesAt))
        return undefined;
      return returnNotice(fields.progress, fields.lang, consultation, catalog);
    },
    async shown(deliveryId, at) {
      await repository.setDelivery(deliveryId, ['held'], 'shown', {}, at);
    },
  };
}
