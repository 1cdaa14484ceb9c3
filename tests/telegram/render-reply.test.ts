import { describe, expect, it } from 'vitest';
import {
  answeredText,
  keyboardFor,
  MAX_TEXT,
  plainLabel,
  renderReplies,
  renderReply,
  splitText,
} from '../../bot/telegram/render-reply.js';
import { telegramReplies } from '../../bot/telegram/telegram-replies.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { translator } from '../../dialogs/translate.js';

const t = translator(defaultCatalog, 'fr');
const progress = { theme: 2, themes: 6, question: 3, questions: 5 };
const labels = (markup: ReturnType<typeof keyboardFor>) =>
  (markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));

describe('replies to Telegram messages', () => {
  it('puts the progress line right above its question, and a few short buttons side by side', () => {
    const rendered = renderReply(
      {
        text: 'Comment venez-vous ?',
        promptId: 'mob1',
        progress,
        choices: [
          { id: 'bus', label: 'Bus' },
          { id: 'velo', label: 'Vélo' },
        ],
      },
      t,
    );
    expect(rendered.text).toBe('Thème 2/6 · question 3/5\nComment venez-vous ?');
    expect(rendered.keyboard?.inline_keyboard).toEqual([
      [
        { text: 'Bus', callback_data: 'mob1:bus' },
        { text: 'Vélo', callback_data: 'mob1:velo' },
      ],
    ]);
  });

  it('says the questionnaire is complete rather than « question 4/4 » at 100 %', () => {
    const rendered = renderReply({ text: 'Merci !', progress: { ...progress, percent: 100 } }, t);
    expect(rendered.text).toBe('Toutes les questions ont une réponse (100 %)\nMerci !');
  });

  it('numbers the buttons of a numbered list, but not Valider, Sans avis or a command', () => {
    const keyboard = keyboardFor({
      text: 'Écrivez les numéros',
      promptId: 'q',
      numbered: true,
      choices: [
        { id: 'a', label: '✓ Les bus' },
        { id: 'b', label: 'Le vélo' },
        { id: 'c', label: 'La marche' },
        { id: 'd', label: 'Le train' },
        { id: 'e', label: 'Autre chose' },
        { id: '_no_opinion', label: 'Sans avis' },
        { id: '_done', label: 'Valider' },
      ],
    });
    // Seven buttons: one column, numbered like the list (a tick does not shift them).
    expect(labels(keyboard)).toEqual([
      ['1. ✓ Les bus'],
      ['2. Le vélo'],
      ['3. La marche'],
      ['4. Le train'],
      ['5. Autre chose'],
      ['Sans avis'],
      ['Valider'],
    ]);
    expect(
      labels(keyboardFor({ text: 'x', choices: [{ id: '/resume', label: 'Reprendre' }] })),
    ).toEqual([['Reprendre']]);
  });

  it('lists long labels in the text too, since a phone cuts them on the buttons', () => {
    const [message] = renderReplies(
      [
        {
          text: 'Le principal frein ?',
          promptId: 'frein',
          choices: [
            { id: 'codes', label: 'La non-connaissance des codes du monde du travail' },
            { id: '_no_opinion', label: 'Sans avis' },
          ],
        },
      ],
      t,
    );
    expect(message?.text).toBe(
      'Le principal frein ?\n\n1. La non-connaissance des codes du monde du travail',
    );
    expect(labels(message?.keyboard)).toEqual([
      ['1. La non-connaissance des codes du monde du travail'],
      ['Sans avis'],
    ]);
  });

  it('makes one message of a turn: the echo, the thanks and the introduction go with the question', () => {
    const messages = renderReplies(
      [
        { text: "J'ai noté : Urgent" },
        { text: 'Merci ! Le thème « Éducation » est terminé.' },
        { text: 'Thème 2 sur 6 : Emploi' },
        { text: 'Une question ?', promptId: 'q', progress, choices: [{ id: 'a', label: 'A' }] },
      ],
      t,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(
      "J'ai noté : Urgent\n\nMerci ! Le thème « Éducation » est terminé.\n\nThème 2 sur 6 : Emploi\n\nThème 2/6 · question 3/5\nUne question ?",
    );
    expect(messages[0]?.keyboard).toBeDefined();
  });

  it('keeps texts after the last prompt in its message, and a second prompt in a message of its own', () => {
    const messages = renderReplies(
      [
        { text: 'Première ?', promptId: 'a', choices: [{ id: 'x', label: 'X' }] },
        { text: 'Seconde ?', promptId: 'b', choices: [{ id: 'y', label: 'Y' }] },
        { text: 'Un mot après.' },
      ],
      t,
    );
    expect(messages.map((m) => m.text)).toEqual(['Première ?', 'Seconde ?\n\nUn mot après.']);
    expect(messages.map((m) => m.keyboard?.inline_keyboard[0]?.[0]?.text)).toEqual(['X', 'Y']);
    expect(renderReplies([{ text: 'Bonjour' }, { text: 'Ça va ?' }], t)).toEqual([
      { text: 'Bonjour\n\nÇa va ?' },
    ]);
  });

  it('splits a text longer than Telegram allows at paragraphs, the buttons on the last piece', () => {
    const paragraph = 'Un paragraphe assez long. '.repeat(60).trim();
    const replies = Array.from({ length: 5 }, () => ({ text: paragraph }));
    const messages = renderReplies(
      [...replies, { text: 'Alors ?', promptId: 'q', choices: [{ id: 'a', label: 'A' }] }],
      t,
    );
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(messages.slice(0, -1).every((m) => m.keyboard === undefined)).toBe(true);
    expect(messages.at(-1)?.text.endsWith('Alors ?')).toBe(true);
    expect(messages.map((m) => m.text).join('\n\n')).toBe(
      [...replies.map((r) => r.text), 'Alors ?'].join('\n\n'),
    );
  });

  it('cuts a text without any break anywhere, and never makes an empty piece', () => {
    const pieces = splitText('x'.repeat(10_000), MAX_TEXT);
    expect(pieces.map((p) => p.length)).toEqual([4096, 4096, 1808]);
    expect(splitText('a\n\n\n\nb', 3)).toEqual(['a', 'b']);
    expect(splitText('court', MAX_TEXT)).toEqual(['court']);
  });

  it('writes the answer under a settled question, within the limit', () => {
    expect(answeredText('Votre place ?', 'Habitant tiré au sort')).toBe(
      'Votre place ?\n\n✅ Habitant tiré au sort',
    );
    const long = answeredText('y'.repeat(MAX_TEXT), 'Oui');
    expect(long).toHaveLength(MAX_TEXT);
    expect(long.endsWith('…\n\n✅ Oui')).toBe(true);
    expect(plainLabel('3. ✓ Plus de liens parents-école')).toBe('Plus de liens parents-école');
  });
});

describe("a turn's replies on Telegram", () => {
  it('gives the web address with a continuation code', () => {
    const replies = telegramReplies(
      {
        replies: [{ text: 'Votre code : K7QH-M3PX' }, { text: 'Et la question.' }],
        events: [{ type: 'continuation_code_issued', code: 'K7QH-M3PX' }],
      },
      t,
      'https://concerto.example.org',
    );
    expect(replies[0]?.text).toBe(
      'Votre code : K7QH-M3PX\nPour continuer sur la page web, ouvrez https://concerto.example.org/ et écrivez-y ce code.',
    );
    expect(replies[1]?.text).toBe('Et la question.');
    const untouched = [{ text: 'Bonjour' }];
    expect(telegramReplies({ replies: untouched, events: [] }, t, 'https://x.org')).toBe(untouched);
  });
});
