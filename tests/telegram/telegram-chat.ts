import type { InlineKeyboardMarkup, Update, User } from 'grammy/types';
import { expect } from 'vitest';
import {
  UpdateFactory,
  type FakeTelegramApi,
  type RecordedCall,
} from '../helpers/fake-telegram-api.js';

/** Hands an update to the bot: a webhook POST, or the fake's getUpdates queue. */
export type Deliver = (update: Update) => Promise<void>;

interface ShownMessage {
  messageId: number;
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
}

/**
 * One person's private chat, read like a conversation:
 *   await chat.send('/start RBX7KQ'); chat.expectReply(/conseil citoyen/); await chat.tap('yes');
 * `send` and `tap` return once the bot has answered and gone quiet for this chat.
 */
export class TelegramChat {
  readonly user: User;
  private readonly updates: UpdateFactory;
  private readonly queries = new Set<string>();
  private mark = 0;

  constructor(
    private readonly fake: FakeTelegramApi,
    private readonly deliver: Deliver,
    user: Partial<User> & { id: number },
    private readonly quietMs = 0,
  ) {
    this.user = { is_bot: false, first_name: 'Awa', language_code: 'fr', ...user };
    this.updates = new UpdateFactory(fake);
  }

  async send(text: string): Promise<void> {
    await this.deliverAndSettle(this.updates.text(this.user, text));
  }

  async sendUpdate(update: Update): Promise<void> {
    await this.deliverAndSettle(update);
  }

  /** Presses the button answering `choiceId` on the latest message that has one. */
  async tap(choiceId: string): Promise<void> {
    await this.deliverAndSettle(this.tapUpdate(choiceId));
  }

  tapUpdate(choiceId: string): Update {
    const message = this.lastMessageWith(choiceId);
    const data = this.buttonData(message, choiceId);
    return this.updates.callback(this.user, message, data);
  }

  /** Presses a button with any data (forged, stale) on the latest message with a keyboard. */
  async tapData(data: string): Promise<void> {
    const message = this.shownMessages()
      .reverse()
      .find((m) => m.replyMarkup);
    if (!message) throw new Error('no keyboard in this chat');
    await this.deliverAndSettle(this.updates.callback(this.user, message, data));
  }

  /** Messages the bot sent since the last send or tap. */
  replies(): string[] {
    return this.callsSinceMark('sendMessage').map((c) => String(c.params.text));
  }

  expectReply(pattern: RegExp): string {
    const replies = this.replies();
    const found = replies.find((text) => pattern.test(text));
    expect(
      found,
      `no reply matched ${pattern}; got:\n---\n${replies.join('\n---\n')}`,
    ).toBeDefined();
    return found ?? '';
  }

  expectNoReply(): void {
    expect(this.replies()).toEqual([]);
  }

  /** Every Bot API call about this chat since the last send or tap. */
  callsSinceMark(method?: string): RecordedCall[] {
    return this.fake.calls
      .slice(this.mark)
      .filter((c) => (method === undefined || c.method === method) && this.concernsMe(c));
  }

  /** The chat's messages as they look now (after edits), oldest first. */
  shownMessages(): ShownMessage[] {
    return this.fake.chatMessages(this.user.id).map((m) => ({
      messageId: m.messageId,
      text: m.text,
      ...(m.replyMarkup ? { replyMarkup: m.replyMarkup } : {}),
    }));
  }

  private lastMessageWith(choiceId: string): ShownMessage {
    const message = this.shownMessages()
      .reverse()
      .find((m) => this.buttonDataOrUndefined(m, choiceId) !== undefined);
    if (!message)
      throw new Error(`no button "${choiceId}" in this chat; last messages:\n${this.lastTexts()}`);
    return message;
  }

  private buttonData(message: ShownMessage, choiceId: string): string {
    const data = this.buttonDataOrUndefined(message, choiceId);
    if (data === undefined) throw new Error(`no button "${choiceId}"`);
    return data;
  }

  private buttonDataOrUndefined(message: ShownMessage, choiceId: string): string | undefined {
    for (const button of (message.replyMarkup?.inline_keyboard ?? []).flat()) {
      if (
        'callback_data' in button &&
        (button.callback_data.endsWith(`:${choiceId}`) || button.callback_data === choiceId)
      ) {
        return button.callback_data;
      }
    }
    return undefined;
  }

  private lastTexts(): string {
    return this.shownMessages()
      .slice(-3)
      .map((m) => m.text)
      .join('\n---\n');
  }

  private concernsMe(call: RecordedCall): boolean {
    if (call.params.chat_id !== undefined) return Number(call.params.chat_id) === this.user.id;
    return (
      call.method === 'answerCallbackQuery' &&
      this.queries.has(String(call.params.callback_query_id))
    );
  }

  private async deliverAndSettle(update: Update): Promise<void> {
    if (update.callback_query) this.queries.add(update.callback_query.id);
    this.mark = this.fake.calls.length;
    await this.deliver(update);
    await this.settle();
  }

  /** Waits for a first answer, then for `quietMs` without any new call about this chat. */
  private async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const answered = () => this.callsSinceMark().some((c) => c.method !== 'sendChatAction');
    while (!answered()) {
      if (performance.now() > deadline)
        throw new Error(`the bot did not answer within ${timeoutMs} ms`);
      await delay(20);
    }
    if (this.quietMs === 0) return;
    let seen = this.callsSinceMark().length;
    for (;;) {
      await delay(this.quietMs);
      const now = this.callsSinceMark().length;
      if (now === seen) return;
      seen = now;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
