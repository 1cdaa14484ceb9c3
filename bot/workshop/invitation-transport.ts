import { Api, GrammyError } from 'grammy';
import { retryTransformer } from '../telegram/retry-transformer.js';
import { throttleTransformer } from '../telegram/throttle-transformer.js';

/** Where an invitation goes: a Telegram chat, an e-mail address, a phone (SMS), a Web Push subscription. */
export type InvitationRoute = 'telegram' | 'email' | 'sms' | 'web_push';

export type InvitationOutcome =
  | { status: 'sent' }
  /** The channel refuses this person (they blocked the bot). */
  | { status: 'unreachable' }
  | { status: 'failed'; error: string };

/**
 * Sends one invitation by one route. Small on purpose: a transport for e-mail, SMS or Web
 * Push is one more object of this shape (the reminders' Telegram sender can be wrapped as one
 * too); a route without a transport is left for someone to send by hand.
 */
export interface InvitationTransport {
  readonly route: InvitationRoute;
  /** `to`: the chat id, address or number; `text`: the message in the person's language. */
  send(to: string, text: string): Promise<InvitationOutcome>;
}

/**
 * Invitations by Telegram through the Bot API, paced and retried like the bot's own messages
 * (bot/telegram's transformers: 30 messages/s, 429 and 5xx retried).
 */
export function telegramInvitationTransport(options: {
  token: string;
  apiRoot?: string | undefined;
}): InvitationTransport {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : undefined);
  api.config.use(retryTransformer());
  api.config.use(throttleTransformer());
  return {
    route: 'telegram',
    async send(to, text) {
      try {
        await api.sendMessage(to, text);
        return { status: 'sent' };
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 403)
          return { status: 'unreachable' };
        return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
