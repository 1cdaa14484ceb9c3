import { expect } from 'vitest';
import type { TelegramChat } from './telegram-chat.js';

/** The resident of tests/transcripts/01-full-fr-buttons.json, on Telegram: taps and typed answers. */
export type Step = { tap: string } | string;

export const wholeQuestionnaireSteps: Step[] = [
  { tap: 'yes' },
  { tap: 'tire' },
  "L'aide aux devoirs au centre social",
  { tap: 'devoirs' },
  { tap: 'parents' },
  { tap: '_done' },
  { tap: 'profs' },
  { tap: 'assos' },
  { tap: '_done' },
  { tap: '4' },
  { tap: 'discri' },
  { tap: 'reseau' },
  { tap: 'other' },
  'Le manque de confiance en soi',
  { tap: '_skip' },
  { tap: 'parrain' },
  { tap: '_done' },
  { tap: '5' },
  { tap: '_skip' },
  { tap: 'francais' },
  { tap: 'numerique' },
  { tap: '_done' },
  { tap: '3' },
  'Le bus de nuit le week-end',
  { tap: 'frequence' },
  { tap: 'prix' },
  { tap: 'horaires' },
  { tap: '4' },
  { tap: '_skip' },
  { tap: 'yes' },
  { tap: 'garde' },
  { tap: '3' },
  'La fête de quartier en juin',
  { tap: 'fetes' },
  { tap: 'lieu' },
  { tap: '_done' },
  { tap: '2' },
  { tap: 'yes' },
  // The volunteer's optional gender question (dialogs/workshop-gender-step.ts).
  { tap: 'woman' },
  { tap: 'confirm' },
];

/** Calls that put a message in a chat: what Telegram's limits (about one a second) count. */
const messageMethods = ['sendMessage', 'editMessageText', 'editMessageReplyMarkup'];

/**
 * From the invitation link to the confirmed summary; every step, a tap or a typed answer,
 * costs at most two message calls (the edit and the next question).
 */
export async function wholeQuestionnaire(chat: TelegramChat): Promise<void> {
  await chat.send('/start RBX7KQ');
  chat.expectReply(/Acceptez-vous/);
  for (const step of wholeQuestionnaireSteps) {
    if (typeof step === 'string') await chat.send(step);
    else await chat.tap(step.tap);
    const calls = chat.callsSinceMark().filter((c) => messageMethods.includes(c.method));
    expect(
      calls.length,
      `${JSON.stringify(step)}: ${calls.map((c) => c.method).join(', ')}`,
    ).toBeLessThanOrEqual(2);
  }
}

/** Consent and the first question only: someone who started and stopped. */
export async function startOnly(chat: TelegramChat): Promise<void> {
  await chat.send('/start RBX7KQ');
  await chat.tap('yes');
  await chat.tap('tire');
  expect(chat.replies().join('\n')).toMatch(/Thème 1\/6/);
}
