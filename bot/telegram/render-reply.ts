import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Translate } from '../../dialogs/translate.js';
import { callbackDataFor } from './callback-data.js';

export interface TelegramMessage {
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

/**
 * One engine reply as a Telegram message: the progress line first, then the text, and one
 * button per row (labels can be long; a row each keeps them readable on a phone).
 */
export function renderReply(reply: EngineReply, t: Translate): TelegramMessage {
  const text = reply.progress
    ? `${t('progress', { ...reply.progress })}\n\n${reply.text}`
    : reply.text;
  const keyboard = keyboardFor(reply);
  return keyboard ? { text, keyboard } : { text };
}

export function keyboardFor(reply: EngineReply): InlineKeyboardMarkup | undefined {
  if (!reply.choices || reply.choices.length === 0) return undefined;
  const promptId = reply.promptId ?? '';
  const rows: InlineKeyboardButton[][] = reply.choices.map((choice, index) => [
    { text: choice.label, callback_data: callbackDataFor(promptId, choice.id, index) },
  ]);
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

/** Ticked labels of a multiple-choice keyboard (the engine marks them "✓ "). */
export function tickedLabels(markup: InlineKeyboardMarkup | undefined): string[] {
  const buttons = (markup?.inline_keyboard ?? []).flat();
  return buttons.filter((b) => b.text.startsWith('✓ ')).map((b) => b.text.slice(2));
}
