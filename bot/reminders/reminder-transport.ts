// The one interface a channel implements to carry reminders (Telegram here, Web Push in
// bot/web-push/). The sender (bot/reminders/) decides who gets what and when, paces, claims
// and records; a transport only delivers one message and says what became of it.
import type { Lang } from '../../dialogs/session-state.js';
import type { Channel } from '../../storage/identity.js';
import type { ParticipantSummary } from '../../storage/storage.js';

/** A button of a reminder: the engine input it stands for is `{ kind: 'choice', promptId, choiceId }`. */
export interface ReminderButton {
  /** An engine command choice (`/resume`, `/stop`): valid whatever the prompt on screen. */
  choiceId: string;
  label: string;
}

/**
 * One reminder, ready to show: text and labels in the participant's language. Pressing a
 * button is an ordinary turn of the engine (`resume` goes back to their question, `stop` turns
 * reminders off): `{ kind: 'choice', promptId: message.promptId, choiceId: button.choiceId }`.
 */
export interface ReminderMessage {
  /** `<waveId>:<seq>`, unique per reminder × participant (a notification tag, a log key). */
  deliveryId: string;
  participantId: string;
  lang: Lang;
  /** A short title (a notification's), e.g. « Consultation des conseils citoyens ». */
  title: string;
  /** The whole reminder: the deadline in the consultation's time zone, what is left. */
  text: string;
  /** Prompt id of the two buttons (`_reminder`). */
  promptId: string;
  /** « Continuer »: `/resume`. */
  continue: ReminderButton;
  /** « Ne plus me rappeler »: `/stop`. */
  stop: ReminderButton;
}

/** What became of one send. */
export type DeliveryResult =
  /** Accepted by the channel's service. */
  | { kind: 'sent' }
  /**
   * The person cannot be reached there any more (Telegram 403: they blocked the bot). The
   * sender marks them unreachable through a turn (`undeliverable`), never directly.
   */
  | { kind: 'unreachable'; reason: string }
  /**
   * Not sent, try again after `afterMs` (Telegram 429 `retry_after`, a 5xx, a push service's
   * Retry-After): the sender pauses every send on this channel that long, across processes.
   */
  | { kind: 'retry'; afterMs: number; reason: string }
  /** Not sent and not worth retrying (a 400, a malformed target): recorded with the reason. */
  | { kind: 'failed'; reason: string }
  /**
   * The request may or may not have reached the service (a timeout after sending): recorded
   * as uncertain and never sent again, so that nobody gets it twice.
   */
  | { kind: 'uncertain'; reason: string }
  /**
   * No way to reach them on this channel now (a web participant without a push
   * subscription): the reminder waits and is shown at their next visit.
   */
  | { kind: 'no_route' };

/**
 * A channel's reminder delivery. `send` must not throw for anything the channel reports
 * (map it to a result); a thrown error is treated as `uncertain`.
 *
 * @example const result = await transport.send(participant, message) // { kind: 'sent' }
 */
export interface ReminderTransport {
  channel: Channel;
  send(target: ParticipantSummary, message: ReminderMessage): Promise<DeliveryResult>;
}
