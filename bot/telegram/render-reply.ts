import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Translate } from '../../dialogs/translate.js';
import { callbackDataFor } from './callback-data.js';

export interface TelegramMessage {
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

/** Telegram refuses a message text longer than this. */
export const MAX_TEXT = 4096;

/**
 * A turn's replies as few Telegram messages as can carry them: each message holds the texts
 * that lead to a prompt (« J'ai noté : … », « Merci ! », the theme introduction) and that
 * prompt with its buttons; texts after the last prompt join it. Every message sent counts
 * against Telegram's limits (about one a second per chat), so one per turn is the rule, more
 * only for a second prompt or a text too long for one message.
 */
export function renderReplies(replies: readonly EngineReply[], t: Translate): TelegramMessage[] {
  const groups: { parts: string[]; keyboard?: InlineKeyboardMarkup }[] = [];
  let parts: string[] = [];
  for (const reply of replies) {
    parts.push(replyBody(reply, t));
    const keyboard = keyboardFor(reply);
    if (keyboard) {
      groups.push({ parts, keyboard });
      parts = [];
    }
  }
  const last = groups.at(-1);
  if (parts.length > 0) {
    if (last) last.parts.push(...parts);
    else groups.push({ parts });
  }
  return groups.flatMap(({ parts: texts, keyboard }) => {
    const chunks = splitText(texts.join('\n\n'), MAX_TEXT);
    return chunks.map((text, index) =>
      keyboard && index === chunks.length - 1 ? { text, keyboard } : { text },
    );
  });
}

/** One reply on its own (the whole text, however long: see `renderReplies` for sending). */
export function renderReply(reply: EngineReply, t: Translate): TelegramMessage {
  const keyboard = keyboardFor(reply);
  const text = replyBody(reply, t);
  return keyboard ? { text, keyboard } : { text };
}

/**
 * The buttons of a reply, one per row, or two per row for a few short ones (« Oui » « Non »). When the text asks for numbers (`numbered`), or labels are too long for a phone's
 * button, each choice shows its number; « Valider », « Passer », « Sans avis » and commands do
 * not take one, so the numbers stay those of the list, ticked or not.
 */
export function keyboardFor(reply: EngineReply): InlineKeyboardMarkup | undefined {
  if (!reply.choices || reply.choices.length === 0) return undefined;
  const promptId = reply.promptId ?? '';
  const numbered = reply.numbered === true || hasLongLabels(reply);
  const buttons: InlineKeyboardButton[] = reply.choices.map((choice, index) => ({
    text: numbered && takesNumber(choice.id) ? `${index + 1}. ${choice.label}` : choice.label,
    callback_data: callbackDataFor(promptId, choice.id, index),
  }));
  const pairs =
    buttons.length > 1 &&
    buttons.length <= MAX_PAIRED &&
    buttons.every((b) => b.text.length <= SHORT_LABEL);
  const perRow = pairs ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/** The label of the button carrying this data in a message's keyboard, if any. */
export function buttonLabel(
  markup: InlineKeyboardMarkup | undefined,
  data: string,
): string | undefined {
  for (const row of markup?.inline_keyboard ?? []) {
    for (const button of row)
      if ('callback_data' in button && button.callback_data === data) return button.text;
  }
  return undefined;
}

/** A button's label as the choice reads: without its number and the engine's tick. */
export function plainLabel(label: string): string {
  return label.replace(/^\d+\. /, '').replace(/^✓ /, '');
}

/** The tapped question, settled: its text and, below, what was chosen (within Telegram's limit). */
export function answeredText(text: string, chosen: string): string {
  const suffix = `\n\n✅ ${chosen}`;
  const room = MAX_TEXT - suffix.length;
  if (room < 1) return `✅ ${chosen}`.slice(0, MAX_TEXT);
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${suffix}`;
}

/**
 * Cuts a text too long for one message at paragraph breaks, else at line breaks, else
 * anywhere: every piece at most `max` characters, none empty.
 */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const paragraph = window.lastIndexOf('\n\n');
    const line = window.lastIndexOf('\n');
    const cut = paragraph > 0 ? paragraph : line > 0 ? line : max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces.filter((piece) => piece.length > 0);
}

/** About what a phone shows of a button before cutting it. */
const LONG_LABEL = 32;
/** Two buttons this short fit side by side on a phone. */
const SHORT_LABEL = 16;
/** Longer lists (a scale, a review) read better in one column. */
const MAX_PAIRED = 4;

/** The progress line above the question, its text, and the full list when buttons would cut it. */
function replyBody(reply: EngineReply, t: Translate): string {
  const progress = reply.progress;
  const line = progress
    ? progress.percent === 100
      ? t('telegram.progress.complete')
      : t('progress', { ...progress })
    : undefined;
  const body = line ? `${line}\n${reply.text}` : reply.text;
  // Telegram cuts long button labels on phones: then the full list is in the text, numbered.
  return hasLongLabels(reply) ? `${body}\n\n${numberedList(reply)}` : body;
}

function hasLongLabels(reply: EngineReply): boolean {
  return (reply.choices ?? []).some((c) => c.label.length > LONG_LABEL);
}

function takesNumber(choiceId: string): boolean {
  return !choiceId.startsWith('_') && !choiceId.startsWith('/');
}

function numberedList(reply: EngineReply): string {
  return (reply.choices ?? [])
    .flatMap((c, index) => (takesNumber(c.id) ? [`${index + 1}. ${c.label}`] : []))
    .join('\n');
}
