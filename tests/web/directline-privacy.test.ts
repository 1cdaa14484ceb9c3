import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directLineHttp } from './directline-http.js';
import { startWebServer, type WebServer } from './start-web-server.js';

let web: WebServer;

beforeAll(async () => {
  web = await startWebServer();
});

afterAll(async () => {
  await web?.stop();
});

describe('deleting one’s data from the web page', () => {
  it('also forgets the Direct Line copy of the conversation', async () => {
    const dl = directLineHttp(web.baseUrl);
    const conv = await dl.open();
    await dl.say(conv, { type: 'event', name: 'start', value: '' });
    await dl.say(conv, { type: 'message', value: { promptId: '_consent', choiceId: 'yes' } });
    await dl.say(conv, { type: 'message', text: 'Mon quartier à Roubaix' });
    const confirm = await dl.say(conv, { type: 'message', value: { command: 'delete' } });
    const prompt = confirm.find((r) => r.choices.some((c) => c.choiceId === 'yes'));
    expect(prompt?.promptId).toBeDefined();
    const done = await dl.say(conv, {
      type: 'message',
      value: { promptId: prompt!.promptId, choiceId: 'yes' },
    });
    expect(done.length).toBeGreaterThan(0);
    const left = await web.runtime.db
      .collection('dl_activities')
      .find({ conversationId: conv.conversationId })
      .toArray();
    expect(JSON.stringify(left)).not.toContain('Roubaix');
    expect(left.every((doc) => JSON.stringify(doc.activity).includes('"role":"bot"'))).toBe(true);
  });
});
