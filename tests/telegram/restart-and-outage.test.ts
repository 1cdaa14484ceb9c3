import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/start-runtime.js';
import { FakeTelegramApi, UpdateFactory } from '../helpers/fake-telegram-api.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { seededDatabase, startTelegramBot } from './start-telegram-bot.js';
import { startOnly } from './whole-questionnaire.js';

let fake: FakeTelegramApi;
let database: TestDatabase;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  database = await seededDatabase();
});

afterAll(async () => {
  await database?.drop();
  await fake?.close();
});

/** A runtime whose database is gone: every turn fails as it would with the server down. */
const databaseDown = (runtime: Runtime): Runtime => ({
  ...runtime,
  handleTurn: async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:27017');
  },
});

describe('Telegram across restarts and outages', () => {
  it('resumes at the same question after the bot restarts (polling)', async () => {
    const first = await startTelegramBot({ fake, mode: 'polling', database });
    const chat = first.chat({ id: 4001 });
    await startOnly(chat);
    const question = chat.shownMessages().at(-1);
    await first.stop();

    const second = await startTelegramBot({ fake, mode: 'polling', database });
    try {
      const again = second.chat({ id: 4001 });
      // The button of the message shown before the restart still answers that question.
      await again.tap('_skip');
      expect(again.callsSinceMark('editMessageText')[0]?.params.message_id).toBe(
        question?.messageId,
      );
      const next = again.expectReply(/Thème 1\/6 · question 2\//);
      await again.send('/start');
      expect(again.replies().at(-1)).toContain(next.slice(next.indexOf('Thème 1/6')));
    } finally {
      await second.stop();
    }
  });

  it('answers 5xx when the database is down (webhook), so Telegram delivers again', async () => {
    const bot = await startTelegramBot({ fake, mode: 'webhook', database, patch: databaseDown });
    try {
      const user = { id: 4002, is_bot: false, first_name: 'Ali' };
      const response = await bot.post(new UpdateFactory(fake).text(user, '/start RBX7KQ'));
      expect(response.status).toBeGreaterThanOrEqual(500);
      const health = await fetch(`${bot.baseUrl}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await bot.stop();
    }
  });

  it('apologises plainly when the database is down (polling), and keeps serving', async () => {
    const bot = await startTelegramBot({ fake, mode: 'polling', database, patch: databaseDown });
    try {
      const chat = bot.chat({ id: 4003 });
      await chat.send('bonjour');
      chat.expectReply(/problème technique temporaire/);
      await chat.send('toujours là ?');
      chat.expectReply(/problème technique temporaire/);
    } finally {
      await bot.stop();
    }
  });
});
