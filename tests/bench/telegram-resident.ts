import type { Update } from 'grammy/types';
import { UpdateFactory, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';

/** The calls that put a message in a chat (what Telegram's limits count). */
const messageMethods = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup']);

/** One turn as the person lived it: from their tap or message to the bot's last message. */
export interface TurnRecord {
  kind: 'tap' | 'typed';
  startedAt: number;
  /** When the last message call of the turn reached the Bot API (undefined: none). */
  lastMessageAt: number | undefined;
  /** Message calls the turn made (sent or edited, 429s not counted). */
  messageCalls: number;
}

export interface ResidentOptions {
  /** Milliseconds between the bot's last message and the person's next action. */
  thinkMs?: number;
  onTurn?: (turn: TurnRecord) => void;
  /** performance.now() after which the person stops (the questionnaire is left unfinished). */
  until?: number;
}

/**
 * One person from the invitation link to the confirmed summary: taps "Valider"/"C'est tout"/
 * "Oui"/"Confirmer" when offered (once something is ticked), else the first real choice, else
 * types. The webhook answers once the turn's messages are out, so a turn ends with its POST.
 * Returns the number of turns.
 */
export async function answerEverything(
  fake: FakeTelegramApi,
  post: (update: Update) => Promise<void>,
  chatId: number,
  options: ResidentOptions = {},
): Promise<number> {
  const user = { id: chatId, is_bot: false, first_name: 'Awa', language_code: 'fr' };
  const updates = new UpdateFactory(fake);
  await post(updates.text(user, '/start RBX7KQ'));
  for (let turn = 1; turn < 150; turn += 1) {
    if (options.until !== undefined && performance.now() > options.until) return turn;
    const last = fake.chatMessages(chatId).at(-1);
    if (!last) throw new Error('the bot said nothing');
    if (/Merci beaucoup pour votre participation/.test(last.text)) return turn;
    const buttons = (last.replyMarkup?.inline_keyboard ?? [])
      .flat()
      .flatMap((b) => ('callback_data' in b ? [{ data: b.callback_data, text: b.text }] : []));
    const id = (data: string) => data.slice(data.indexOf(':') + 1);
    const ticked = buttons.some((b) => b.text.includes('✓'));
    const done = buttons.find(
      (b) => (id(b.data) === '_done' && ticked) || ['confirm', 'yes', '_yes'].includes(id(b.data)),
    );
    const first = buttons.find(
      (b) =>
        !/^[_/]/.test(id(b.data)) &&
        !['other', 'none'].includes(id(b.data)) &&
        !b.text.includes('✓'),
    );
    const pick = done ?? first;
    if (options.thinkMs) await new Promise((resolve) => setTimeout(resolve, options.thinkMs));
    const update = pick
      ? updates.callback(
          user,
          {
            messageId: last.messageId,
            text: last.text,
            ...(last.replyMarkup ? { replyMarkup: last.replyMarkup } : {}),
          },
          pick.data,
        )
      : updates.text(user, 'Des bus plus tard le soir');
    const startedAt = performance.now();
    const mark = fake.calls.length;
    await post(update);
    if (options.onTurn) {
      const calls = fake.calls
        .slice(mark)
        .filter(
          (c) =>
            messageMethods.has(c.method) && Number(c.params.chat_id) === chatId && c.status !== 429,
        );
      options.onTurn({
        kind: pick ? 'tap' : 'typed',
        startedAt,
        lastMessageAt: calls.at(-1)?.at,
        messageCalls: calls.length,
      });
    }
  }
  const shown = fake
    .chatMessages(chatId)
    .slice(-3)
    .map((m) => m.text);
  throw new Error(`chat ${chatId} did not finish in 150 turns:\n${shown.join('\n---\n')}`);
}
