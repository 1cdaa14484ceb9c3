import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directLineHttp, type Bot } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

let web: WebServer;
let dl: ReturnType<typeof directLineHttp>;

beforeAll(async () => {
  web = await startWebServer();
  dl = directLineHttp(web.baseUrl);
});

afterAll(async () => {
  await web?.stop();
});

const codeIn = (replies: { text: string }[]) =>
  /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/.exec(replies.map((r) => r.text).join('\n'))?.[1];
const lastPrompt = (replies: Bot[]) =>
  [...replies].reverse().find((r) => r.choices.length > 0 || r.promptId);

describe('continuation codes', () => {
  it('carries a terminal conversation over to the web page, with the same answers, once', async () => {
    const console1 = { channel: 'console' as const, externalId: 'code-test-user' };
    const turn = web.runtime.handleTurn;
    await turn(console1, { kind: 'start' });
    await turn(console1, { kind: 'choice', promptId: '_consent', choiceId: 'yes' });
    const afterCouncil = await turn(console1, {
      kind: 'choice',
      promptId: '_council',
      choiceId: '_skip',
    });
    const question = afterCouncil.replies.find((r) => r.choices?.length && r.promptId)!;
    const firstChoice = question.choices!.find((c) => !c.id.startsWith('_'))!;
    const answered = await turn(console1, {
      kind: 'choice',
      promptId: question.promptId!,
      choiceId: firstChoice.id,
    });
    const nextPromptId = answered.replies.at(-1)?.promptId;
    const asked = await turn(console1, { kind: 'command', command: 'code' });
    const code = codeIn(asked.replies);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);

    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    const redeemed = await dl.say(conv, { type: 'message', text: code!.toLowerCase() });
    expect(redeemed[0]!.text).toMatch(/Code accepté/);
    expect(lastPrompt(redeemed)?.promptId).toBe(nextPromptId);

    const consoleSession = await web.runtime.storage.participants.load(console1);
    const webRecord = await web.runtime.directLine.findConversation(conv.conversationId);
    const webSession = await web.runtime.storage.participants.load({
      channel: 'web',
      externalId: String(webRecord?.userId),
    });
    expect(webSession?.participantId).toBe(consoleSession?.participantId);
    expect(webSession?.state.answers[question.promptId!]).toEqual(
      consoleSession?.state.answers[question.promptId!],
    );

    // Single use: the same code again is refused.
    const other = await dl.open();
    const again = await dl.say(other, { type: 'message', text: code! });
    expect(again[0]!.text).toMatch(/n'est pas valable/);
  });

  it('refuses a sixth try within ten minutes after five wrong codes, even a right one', async () => {
    const owner = { channel: 'console' as const, externalId: 'code-owner' };
    await web.runtime.handleTurn(owner, { kind: 'start' });
    await web.runtime.handleTurn(owner, { kind: 'choice', promptId: '_consent', choiceId: 'yes' });
    const code = codeIn(
      (await web.runtime.handleTurn(owner, { kind: 'command', command: 'code' })).replies,
    );
    const conv = await dl.open();
    for (let i = 0; i < 5; i += 1) {
      const replies = await dl.say(conv, { type: 'message', text: `ZZZZ-ZZZ${i + 2}` });
      expect(replies[0]!.text).toMatch(/n'est pas valable/);
    }
    const blocked = await dl.say(conv, { type: 'message', text: code! });
    expect(blocked[0]!.text).toMatch(/Trop d'essais/);
    // An ordinary answer that merely resembles a code is not one: no dash, no code.
    const plain = await web.runtime.handleTurn(
      { channel: 'console', externalId: 'plain' },
      { kind: 'text', text: 'vacances' },
    );
    expect(plain.replies.map((r) => r.text).join(' ')).not.toMatch(/code/i);
  });
});
