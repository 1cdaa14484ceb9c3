import type { Lang } from '../../dialogs/session-state.js';

/**
 * A reminder ready to show, as bot/reminders/reminder-transport.ts's ReminderMessage gives it
 * (the fields this transport reads).
 */
export interface ReminderToShow {
  lang: Lang;
  title: string;
  text: string;
  /** Prompt id of the two buttons: a tap is the choice `{ promptId, choiceId }`. */
  promptId: string;
  continue: { choiceId: string; label: string };
  stop: { choiceId: string; label: string };
}

/**
 * What the service worker (bot/web/static/push-worker.js) receives, encrypted: the words to
 * show and what each button says to the bot. Nothing else about the person (no id, no
 * council, no answer): a push service only ever holds the reminder text.
 */
export interface ReminderPayload {
  v: 1;
  title: string;
  body: string;
  lang: Lang;
  promptId: string;
  actions: { action: 'continue' | 'stop'; title: string; choiceId: string }[];
}

/** @example reminderPayload(message).actions[1].action === 'stop' */
export function reminderPayload(message: ReminderToShow): ReminderPayload {
  return {
    v: 1,
    title: message.title,
    body: message.text,
    lang: message.lang,
    promptId: message.promptId,
    actions: [
      { action: 'continue', title: message.continue.label, choiceId: message.continue.choiceId },
      { action: 'stop', title: message.stop.label, choiceId: message.stop.choiceId },
    ],
  };
}
