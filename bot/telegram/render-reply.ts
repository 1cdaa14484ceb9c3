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
  const body = reply.progress
    ? `${t('progress', { ...reply.progress })}\n\n${reply.text}`
    : reply.text;
  // Telegram cuts long button labels on phones: then the full list is in the text, numbered.
  const text = hasLongLabels(reply) ? `${body}\n\n${numberedList(reply)}` : body;
  const keyboard = keyboardFor(reply);
  return keyboard ? { text, keyboard } : { text };
}

export function keyboardFor(reply: EngineReply): InlineKeyboardMarkup | undefined {
  if (!reply.choices || reply.choices.length === 0) return undefined;
  const promptId = reply.promptId ?? '';
  const numbered = hasLongLabels(reply);
  const rows: InlineKeyboardButton[][] = reply.choices.map((choice, index) => [
    {
      text: numbered && !choice.id.startsWith('_') ? `${index + 1}. ${choice.label}` : choice.label,
      callback_data: callbackDataFor(promptId, choice.id, index),
    },
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

/** About what a phone shows of a button before cutting it. */
const LONG_LABEL = 32;

function hasLongLabels(reply: EngineReply): boolean {
  return (reply.choices ?? []).some((c) => c.label.length > LONG_LABEL);
}

function numberedList(reply: EngineReply): string {
  return (reply.choices ?? [])
    .flatMap((c, index) => (c.id.startsWith('_') ? [] : [`${index + 1}. ${c.label}`]))
    .join('\n');
}
