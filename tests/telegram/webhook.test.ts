import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections } from '../../storage/collections.js';
import { FakeTelegramApi, fakeBotInfo, UpdateFactory } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { wholeQuestionnaire } from './whole-questionnaire.js';
import {
  seededDatabase,
  startTelegramBot,
  webhookSecret,
  type BotUnderTest,
} from './start-telegram-bot.js';

let fake: FakeTelegramApi;
let database: TestDatabase;
let bot: BotUnderTest;
let updates: UpdateFactory;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  updates = new UpdateFactory(fake);
  database = await seededDatabase();
  bot = await startTelegramBot({ fake, mode: 'webhook', database });
});

afterAll(async () => {
  await bot?.stop();
  await database?.drop();
  await fake?.close();
});

describe('Telegram over a webhook', () => {
  it('registers the webhook with its secret and the command menu in French and English', () => {
    const [setWebhook] = fake.callsOf('setWebhook');
    expect(setWebhook?.params).toMatchObject({
      url: 'http://localhost:3000/telegram/webhook',
      secret_token: webhookSecret,
      max_connections: 40,
    });
    const menus = fake.callsOf('setMyCommands');
    expect(menus.map((c) => c.params.language_code)).toEqual([undefined, 'fr', 'en']);
    const words = (index: number) =>
      JSON.stringify(menus[index]?.params.commands).match(/"command":"\w+"/g);
    const french = ['start', 'aide', 'reprendre', 'retour', 'passer', 'recap', 'langue', 'code']
      .concat(['stop', 'supprimer'])
      .map((command) => `"command":"${command}"`);
    expect(words(0)).toEqual(french);
    expect(words(1)).toEqual(french);
    expect(words(2)).toEqual(
      [
        'start',
        'help',
        'resume',
        'back',
        'skip',
        'summary',
        'language',
        'code',
        'stop',
        'delete',
      ].map((command) => `"command":"${command}"`),
    );
    expect(JSON.stringify(menus[1]?.params.commands)).toContain('Voir et modifier vos réponses');
  });

  it('walks a resident through the whole questionnaire, and stores every answer', async () => {
    const chat = bot.chat({ id: 1001 });
    await wholeQuestionnaire(chat);
    chat.expectReply(/merci/i);
    const c = collections(database.db);
    const participant = await c.participants.findOne({ councilId: 'QN05981M' });
    expect(participant?.status).toBe('completed');
    const answers = await c.answers.find({ participantId: participant?._id }).toArray();
    expect(answers.length).toBeGreaterThanOrEqual(20);
    expect(answers.find((a) => a.questionId === 'role')?.value).toEqual({
      kind: 'choice',
      choiceId: 'tire',
    });
    expect(JSON.stringify(answers)).toContain('Le bus de nuit le week-end');
  });

  it('shows progress, edits a tapped question to show the answer, and ticks multiple choices in place', async () => {
    const chat = bot.chat({ id: 1002 });
    await chat.send('/start RBX7KQ');
    await chat.tap('yes');
    await chat.tap('tire');
    const question = chat.expectReply(/Thème 1\/6 · question 1\/\d/);
    await chat.send("L'aide aux devoirs au centre social");
    const multiple = chat.shownMessages().at(-1);
    await chat.tap('devoirs');
    // The labels are listed in the text too (too long for a phone's button): both change.
    const ticked = chat.callsSinceMark('editMessageText');
    expect(ticked).toHaveLength(1);
    expect(ticked[0]?.params.message_id).toBe(multiple?.messageId);
    expect(JSON.stringify(ticked[0]?.params.reply_markup)).toContain('✓ ');
    chat.expectNoReply();
    await chat.tap('_done');
    const settled = fake.message(1002, multiple?.messageId ?? 0);
    expect(settled?.text).toMatch(/✅ Aide aux devoirs après l'école$/);
    expect(settled?.replyMarkup).toBeUndefined();
    // The theme's introduction, then the progress line right above its question.
    expect(question).toMatch(/^Thème 1 sur 6 : Éducation\n.+\n\nThème 1\/6 · question 1\/4\n/);
  });

  it('processes an update delivered twice only once, and sends again only replies not recorded as sent', async () => {
    const chat = bot.chat({ id: 1003 });
    const update = updates.text(chat.user, '/start RBX7KQ');
    const textsTo1003 = () =>
      fake
        .callsOf('sendMessage')
        .filter((c) => c.params.chat_id === 1003)
        .map((c) => c.params.text);
    await chat.sendUpdate(update);
    const replies = textsTo1003();
    expect(replies.length).toBeGreaterThan(0);
    const c = collections(database.db);
    const stored = await c.transcripts.countDocuments();
    // Telegram delivers again only what was not answered 200 (a crash after the commit): the
    // replies recorded as sent do not go twice, and the turn is not stored twice.
    const again = await bot.post(update);
    expect(again.status).toBe(200);
    expect(textsTo1003()).toEqual(replies);
    // The crash came before their records were written: they go again.
    const inboundId = `tg:${fakeBotInfo.id}:${update.update_id}`;
    const ids = replies.map((_, index) => `${inboundId}|${index}`);
    expect((await c.telegramSent.deleteMany({ _id: { $in: ids } })).deletedCount).toBe(ids.length);
    expect((await bot.post(update)).status).toBe(200);
    expect(textsTo1003()).toEqual([...replies, ...replies]);
    expect(await c.transcripts.countDocuments()).toBe(stored);
  });

  it('refuses a request without the right secret, and processes nothing', async () => {
    const calls = fake.calls.length;
    const update = updates.text({ id: 1004, is_bot: false, first_name: 'Eve' }, '/start RBX7KQ');
    expect((await bot.post(update, {})).status).toBe(401);
    expect((await bot.post(update, { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(
      401,
    );
    expect(fake.calls.length).toBe(calls);
    expect(await collections(database.db).identities.countDocuments({ externalId: '1004' })).toBe(
      0,
    );
  });

  it('records one answer when a button is tapped twice at once', async () => {
    const chat = bot.chat({ id: 1005 });
    await chat.send('/start RBX7KQ');
    await chat.tap('yes');
    const first = chat.tapUpdate('tire');
    const second = chat.tapUpdate('tire');
    const statuses = await Promise.all([bot.post(first), bot.post(second)]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    const participant = await collections(database.db).identities.findOne({ _id: 'telegram:1005' });
    const answers = await collections(database.db)
      .answers.find({ participantId: participant?.participantId })
      .toArray();
    expect(answers).toHaveLength(1);
    // The history holds previous values: the second tap changed nothing.
    expect(answers[0]?.history).toEqual([]);
  });

  it('answers a forged or malformed button without recording anything', async () => {
    const chat = bot.chat({ id: 1006 });
    await chat.send('/start RBX7KQ');
    await chat.tapData('not-a-button');
    expect(chat.callsSinceMark('answerCallbackQuery')[0]?.params.text).toMatch(/plus valable/);
    chat.expectNoReply();
    await chat.tapData('nope:nothing');
    chat.expectReply(/autre question/);
  });

  it('sends group chats to a private conversation and records nothing', async () => {
    const before = await collections(database.db).identities.countDocuments();
    const user = { id: 1007, is_bot: false, first_name: 'Sam' };
    expect((await bot.post(updates.group(user, 'Bonjour le bot'))).status).toBe(200);
    const [reply] = fake.callsOf('sendMessage').filter((c) => c.params.chat_id === -100_123);
    expect(String(reply?.params.text)).toMatch(/conversation privée/);
    expect(JSON.stringify(reply?.params.reply_markup)).toContain('https://t.me/concerto_test_bot');
    expect(await collections(database.db).identities.countDocuments()).toBe(before);
  });

  it('explains that photos and voice messages cannot be read', async () => {
    const chat = bot.chat({ id: 1008 });
    await chat.send('/start RBX7KQ');
    await chat.sendUpdate(updates.photo(chat.user));
    chat.expectReply(/photo/);
    await chat.sendUpdate(updates.voice(chat.user));
    chat.expectReply(/vocal/);
  });

  it('answers an edited message plainly and records nothing', async () => {
    const chat = bot.chat({ id: 1009, language_code: 'en-GB' });
    await chat.sendUpdate(updates.edited(chat.user, 'changed my mind'));
    chat.expectReply(/Edited messages are not taken into account/);
    expect(await collections(database.db).identities.countDocuments({ externalId: '1009' })).toBe(
      0,
    );
  });

  it('waits out a storm of 429 without losing a message', async () => {
    const chat = bot.chat({ id: 1010 });
    fake.failNext('sendMessage', 2, 429);
    await chat.send('/start RBX7KQ');
    const attempts = chat.callsSinceMark('sendMessage');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(
      fake
        .chatMessages(1010)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Acceptez-vous/);
    const gap = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(900);
  });

  it('marks someone who blocked the bot unreachable and stops writing to them', async () => {
    const chat = bot.chat({ id: 1011 });
    await chat.send('/start RBX7KQ');
    fake.block(1011);
    await chat.tap('yes');
    expect(chat.callsSinceMark('sendMessage').length).toBeLessThanOrEqual(1);
    const link = await collections(database.db).identities.findOne({ _id: 'telegram:1011' });
    const participant = await collections(database.db).participants.findOne({
      _id: link?.participantId,
    });
    expect(participant?.unreachable).toBe(true);

    // They unblock the bot and write again: reachable once more.
    fake.unblock(1011);
    await chat.send('reprendre');
    const again = await collections(database.db).participants.findOne({ _id: link?.participantId });
    expect(again?.unreachable).toBe(false);
  });
});
