import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections } from '../../storage/collections.js';
import { FakeTelegramApi, UpdateFactory } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { seededDatabase, startTelegramBot, type BotUnderTest } from './start-telegram-bot.js';
import type { TelegramChat } from './telegram-chat.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  database = await seededDatabase();
  bot = await startTelegramBot({ fake, mode: 'webhook', database });
});

afterAll(async () => {
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

const messageMethods = ['sendMessage', 'editMessageText', 'editMessageReplyMarkup'];

/** Consent, the profile question, and the first question answered by typing. */
async function upToMultipleChoice(chat: TelegramChat): Promise<void> {
  await chat.send('/start RBX7KQ');
  await chat.tap('yes');
  await chat.tap('tire');
  await chat.send("L'aide aux devoirs au centre social");
}

function messageCalls(chat: TelegramChat): string[] {
  return chat
    .callsSinceMark()
    .flatMap((c) => (messageMethods.includes(c.method) ? [c.method] : []));
}

function buttons(chat: TelegramChat, messageId: number): string[] {
  const markup = chat.shownMessages().find((m) => m.messageId === messageId)?.replyMarkup;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.text);
}

describe('Telegram messages of a resident', () => {
  it('ticks boxes in place, then shows the chosen options under the question', async () => {
    const chat = bot.chat({ id: 5001 });
    await upToMultipleChoice(chat);
    const question = chat.shownMessages().at(-1);
    if (!question) throw new Error('no question');
    // Nothing ticked yet: the refusal pops up and is written above the question, in place.
    await chat.tap('_done');
    expect(chat.callsSinceMark('answerCallbackQuery')[0]?.params.text).toBe(
      "Je n'ai pas reçu de réponse.",
    );
    expect(messageCalls(chat)).toEqual(['editMessageText']);
    expect(fake.message(5001, question.messageId)?.text).toMatch(/^Je n'ai pas reçu de réponse\./);
    // The same refusal again changes nothing on screen: no edit at all, only the pop-up.
    await chat.tap('_done');
    expect(messageCalls(chat)).toEqual([]);
    expect(chat.callsSinceMark('answerCallbackQuery')[0]?.params.text).toMatch(/pas reçu/);
    await chat.tap('devoirs');
    await chat.tap('parents');
    expect(messageCalls(chat)).toEqual(['editMessageText']);
    expect(buttons(chat, question.messageId).slice(0, 3)).toEqual([
      "1. ✓ Aide aux devoirs après l'école",
      "2. Moins d'élèves par classe",
      '3. ✓ Plus de liens parents-école',
    ]);
    await chat.tap('_done');
    expect(messageCalls(chat)).toEqual(['editMessageText', 'sendMessage']);
    const settled = fake.message(5001, question.messageId);
    expect(settled?.text).toMatch(
      /\n\n✅ Aide aux devoirs après l'école, Plus de liens parents-école$/,
    );
    expect(settled?.text).not.toMatch(/Valider$/);
    expect(settled?.replyMarkup).toBeUndefined();
  });

  it('ranks in place without renumbering the options, and settles the ranking in order', async () => {
    const chat = bot.chat({ id: 5002 });
    await upToMultipleChoice(chat);
    for (const step of ['devoirs', '_done', 'profs', '_done', '4']) await chat.tap(step);
    chat.expectReply(/Thème 2 sur 6 : Emploi[\s\S]*Thème 2\/6 · question 1\/4/);
    const ranking = chat.shownMessages().at(-1);
    if (!ranking) throw new Error('no ranking question');
    const before = buttons(chat, ranking.messageId);
    await chat.tap('reseau');
    expect(messageCalls(chat)).toEqual(['editMessageText']);
    await chat.tap('discri');
    const after = buttons(chat, ranking.messageId);
    // Same options, same numbers, the picks ticked with their place; « C'est tout » added.
    expect(after.slice(0, 3)).toEqual([
      '1. ✓ 2e Les discriminations',
      '2. ✓ 1er Le manque de réseau personnel',
      before[2],
    ]);
    expect(after.slice(3, before.length)).toEqual(before.slice(3));
    expect(after.at(-1)).toBe("C'est tout");
    expect(fake.message(5002, ranking.messageId)?.text).toContain(
      'Votre classement : 1er Le manque de réseau personnel ; 2e Les discriminations',
    );
    await chat.tap('qualif');
    expect(messageCalls(chat)).toEqual(['editMessageText', 'sendMessage']);
    const settled = fake.message(5002, ranking.messageId);
    expect(settled?.text).toMatch(
      /\n\n✅ 1er Le manque de réseau personnel ; 2e Les discriminations ; 3e Le manque de qualifications$/,
    );
    expect(settled?.replyMarkup).toBeUndefined();
  });

  it('takes the buttons off a question the person answered by typing, and only then', async () => {
    const chat = bot.chat({ id: 5003 });
    await chat.send('/start RBX7KQ');
    await chat.tap('yes');
    await chat.tap('tire');
    const open = chat.shownMessages().at(-1);
    expect(buttons(chat, open?.messageId ?? 0)).toEqual(['Passer']);
    await chat.send("L'aide aux devoirs au centre social");
    expect(messageCalls(chat)).toEqual(['sendMessage', 'editMessageReplyMarkup']);
    expect(fake.message(5003, open?.messageId ?? 0)?.replyMarkup).toBeUndefined();
    const next = chat.shownMessages().at(-1);
    expect(buttons(chat, next?.messageId ?? 0)).toContain('Valider');
    await chat.tap('classes');
    await chat.send('3');
    // The ticked box was not the answer: the typed « 3 » was, and the buttons are gone.
    chat.expectReply(/J'ai noté : Plus de liens parents-école\n\nThème 1\/6 · question 3\/4/);
    expect(fake.message(5003, next?.messageId ?? 0)?.replyMarkup).toBeUndefined();
    // A reply that asks nothing (the code) leaves the question's buttons where they are.
    const third = chat.shownMessages().at(-1);
    await chat.send('code');
    chat.expectReply(/ouvrez http:\/\/localhost:3000\/ et écrivez-y ce code/);
    expect(messageCalls(chat)).toEqual(['sendMessage']);
    expect(buttons(chat, third?.messageId ?? 0)).toContain('Valider');
  });

  it('asks to confirm a guess with Oui and Non, offers « Sans avis », and settles the guess', async () => {
    const chat = bot.chat({ id: 5004 });
    await upToMultipleChoice(chat);
    for (const step of ['devoirs', '_done', 'profs', '_done']) await chat.tap(step);
    const scale = chat.shownMessages().at(-1);
    expect(buttons(chat, scale?.messageId ?? 0)).toEqual([
      '1. Pas urgent',
      '2. Peu urgent',
      '3. Assez urgent',
      '4. Urgent',
      '5. Très urgent',
      'Sans avis',
    ]);
    await chat.send('pas trop');
    const guess = chat.shownMessages().at(-1);
    expect(guess?.text).toMatch(/Vous voulez dire : « 2\/5 – Peu urgent » \?$/);
    expect(guess?.replyMarkup?.inline_keyboard).toEqual([
      [
        { text: 'Oui', callback_data: 'edu_urgence:_yes' },
        { text: 'Non', callback_data: 'edu_urgence:_no' },
      ],
    ]);
    await chat.tap('_no');
    // Nothing noted: the guess becomes the question again, in the same message.
    expect(messageCalls(chat)).toEqual(['editMessageText']);
    expect(fake.message(5004, guess?.messageId ?? 0)?.text).toMatch(/je n'ai rien noté/);
    await chat.send('pas trop');
    await chat.tap('_yes');
    const settled = chat.shownMessages().find((m) => m.text.includes('« 2/5 – Peu urgent » ?'));
    expect(settled?.text).toMatch(/\n\n✅ 2\/5 – Peu urgent$/);
    const link = await collections(database.db).identities.findOne({ _id: 'telegram:5004' });
    const answer = await collections(database.db).answers.findOne({
      _id: `${link?.participantId}:edu_urgence`,
    });
    expect(answer?.value).toEqual({ kind: 'scale', value: 2 });
  });

  it('offers « Reprendre » after « plus tard », and it brings the question back', async () => {
    const chat = bot.chat({ id: 5005 });
    await chat.send('/start RBX7KQ');
    await chat.tap('yes');
    await chat.send('plus tard');
    const pause = chat.shownMessages().at(-1);
    expect(pause?.replyMarkup?.inline_keyboard).toEqual([
      [{ text: 'Reprendre', callback_data: '_pause:/resume' }],
    ]);
    await chat.tap('/resume');
    expect(fake.message(5005, pause?.messageId ?? 0)?.text).toMatch(/\n\n✅ Reprendre$/);
    chat.expectReply(/On reprend où vous en étiez[\s\S]*quelle est votre place/);
  });

  it('understands the French words of the menu, and the English ones', async () => {
    const chat = bot.chat({ id: 5006 });
    await chat.send('/start RBX7KQ');
    await chat.tap('yes');
    await chat.tap('tire');
    await chat.send('/retour');
    chat.expectReply(/quelle est votre place dans le conseil citoyen/);
    await chat.send('/recap');
    const review = chat.shownMessages().at(-1);
    expect(review?.text).toMatch(/Vos réponses, thème par thème/);
    expect(buttons(chat, review?.messageId ?? 0)).toEqual(
      expect.arrayContaining(['1. Éducation', '6. Culture', 'Continuer le questionnaire']),
    );
    // A theme's page opens in place of the review, and the review comes back the same way.
    await chat.tap('t_education');
    expect(messageCalls(chat)).toEqual(['editMessageText']);
    expect(fake.message(5006, review?.messageId ?? 0)?.text).toMatch(/thème « Éducation »/);
    await chat.tap('_back');
    expect(fake.message(5006, review?.messageId ?? 0)?.text).toMatch(/Vos réponses/);
    await chat.send('/aide');
    chat.expectReply(/Vous pouvez écrire à tout moment/);

    const english = bot.chat({ id: 5007, language_code: 'en' });
    await english.send('/start RBX7KQ');
    await english.tap('yes');
    await english.send('/summary');
    english.expectReply(/Your answers, theme by theme/);
  });

  it('points a group to the private chat with its invitation code', async () => {
    const updates = new UpdateFactory(fake);
    const user = { id: 5008, is_bot: false, first_name: 'Sam' };
    const pointer = async (text: string, chatId: number) => {
      expect((await bot.post(updates.group(user, text, chatId))).status).toBe(200);
      const [sent] = fake.callsOf('sendMessage').filter((c) => c.params.chat_id === chatId);
      return { text: String(sent?.params.text), markup: JSON.stringify(sent?.params.reply_markup) };
    };
    // Opened from the council's link (Telegram posts « /start@bot CODE »), or typed there.
    const opened = await pointer('/start@concerto_test_bot rbx7kq', -100_201);
    expect(opened.markup).toContain('"url":"https://t.me/concerto_test_bot?start=RBX7KQ"');
    expect(opened.text).toMatch(/Nouveau Roubaix \(Roubaix\), sera déjà choisi/);
    const typed = await pointer('/start TCG4HW', -100_202);
    expect(typed.markup).toContain('"url":"https://t.me/concerto_test_bot?start=TCG4HW"');
    const unknown = await pointer('/start@concerto_test_bot NOPE99', -100_203);
    expect(unknown.markup).toContain('"url":"https://t.me/concerto_test_bot"}');
    expect(unknown.text).toMatch(/conversation privée/);
    expect(await collections(database.db).identities.countDocuments({ externalId: '5008' })).toBe(
      0,
    );
  });
});
