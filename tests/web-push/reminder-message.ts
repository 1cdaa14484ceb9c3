import type { ReminderToShow } from '../../bot/web-push/reminder-payload.js';

/** A reminder as the reminders sender hands it to a transport (the fields Web Push reads). */
export const reminderMessage: ReminderToShow = {
  lang: 'fr',
  title: 'Consultation des conseils citoyens',
  text: 'Plus que 3 jours pour répondre : il vous reste 2 thèmes.',
  promptId: '_reminder',
  continue: { choiceId: '/resume', label: 'Continuer' },
  stop: { choiceId: '/stop', label: 'Ne plus me rappeler' },
};
