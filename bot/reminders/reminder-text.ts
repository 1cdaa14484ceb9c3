import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Catalog, type Translate } from '../../dialogs/translate.js';
import type { Progress } from '../../storage/documents.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import type { ReminderMessage } from './reminder-transport.js';

/** The prompt id of a reminder's buttons: never a question's (those start with a letter). */
export const reminderPromptId = '_reminder';

/**
 * A participant's reminder in their language: the deadline in the consultation's time zone,
 * and where they stand (« il vous reste 2 thèmes sur 6 »), with « Continuer » and « Ne plus
 * me rappeler ».
 *
 * @example reminderMessage(participant, 'w1:0', consultation, catalog).text
 */
export function reminderMessage(
  participant: Pick<ParticipantSummary, 'participantId' | 'lang' | 'status' | 'progress'>,
  deliveryId: string,
  consultation: Consultation,
  catalog: Catalog,
): ReminderMessage {
  const { lang } = participant;
  const t = translator(catalog, lang);
  const lines = [
    t('reminder.hello'),
    deadlineLine(t, consultation, lang),
    participant.status === 'not_started'
      ? t('reminder.not_started')
      : progressLine(t, participant.progress, consultation),
  ];
  return {
    deliveryId,
    participantId: participant.participantId,
    lang,
    title: t(consultation.title),
    text: lines.filter((line) => line !== '').join('\n'),
    promptId: reminderPromptId,
    continue: { choiceId: '/resume', label: t('reminder.continue') },
    stop: { choiceId: '/stop', label: t('reminder.stop') },
  };
}

/**
 * What someone without a way to be notified (the web without push) reads at their next visit,
 * before the answer to what they sent.
 */
export function returnNotice(
  progress: Progress,
  lang: Lang,
  consultation: Consultation,
  catalog: Catalog,
): string {
  const t = translator(catalog, lang);
  return [
    t('reminder.on_return'),
    deadlineLine(t, consultation, lang),
    progressLine(t, progress, consultation),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** « mardi 5 décembre 2017 à 23:59 », in the consultation's time zone. */
export function formatDeadline(iso: string, timeZone: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone,
  }).format(Date.parse(iso));
}

function deadlineLine(t: Translate, consultation: Consultation, lang: Lang): string {
  if (!consultation.closesAt) return '';
  return t('reminder.deadline', {
    deadline: formatDeadline(consultation.closesAt, consultation.timeZone, lang),
  });
}

function progressLine(t: Translate, progress: Progress, consultation: Consultation): string {
  const themes = consultation.themes.length;
  const left = progress.themesLeft;
  if (left === 0) return t('reminder.left.none');
  return t(left === 1 ? 'reminder.left.one' : 'reminder.left.other', { left, themes });
}
