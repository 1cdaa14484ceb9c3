import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnHandler } from '../../bot/handle-turn.js';
import { directLineHttp } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

let web: WebServer;
let dl: ReturnType<typeof directLineHttp>;
/** Set: the next turn is stored, then the process "dies" before the replies reach Direct Line. */
let failAfterTurn = false;

beforeAll(async () => {
  web = await startWebServer({}, (runtime) => {
    const handleTurn: TurnHandler = async (identity, input, meta) => {
      const turn = await runtime.handleTurn(identity, input, meta);
      if (!failAfterTurn) return turn;
      failAfterTurn = false;
      throw new Error('crashed between the turn and its replies');
    };
    return { ...runtime, handleTurn };
  });
  dl = directLineHttp(web.baseUrl);
});

afterAll(async () => {
  await web?.stop();
});

describe('Direct Line after a failure', () => {
  it('gives a retried message the replies of the turn it caused, stored once', async () => {
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    const consent = {
      type: 'message',
      value: { promptId: '_consent', choiceId: 'yes' },
      channelData: { clientActivityId: 'page-1' },
    };
    failAfterTurn = true;
    expect((await dl.post(conv, consent)).status).toBeGreaterThanOrEqual(500);
    const replies = await dl.say(conv, consent);
    expect(replies.map((r) => r.text).join('\n')).toMatch(/Merci/);
    // Consent counted once: the retry was a redelivery of the same message.
    const session = await web.runtime.storage.participants.load({
      channel: 'web',
      externalId: String(
        (await web.runtime.directLine.findConversation(conv.conversationId))?.userId,
      ),
    });
    expect(session?.version).toBe(2);
  });
});
