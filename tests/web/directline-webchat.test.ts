import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/launch-chromium.js';
import { webChatBundle } from '../helpers/webchat-bundle.js';
import { nextAnswer, type Prompt } from './next-answer.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const secret = 'webchat-directline-secret-0123456789';
/** The user the embedding site binds (its own server calls tokens/generate with it). */
const userId = 'dl_webchat-resident-42';
let web: WebServer;
let browser: Browser;
let bundle: string;

beforeAll(async () => {
  bundle = readFileSync(webChatBundle(), 'utf8');
  web = await startWebServer({ DIRECTLINE_SECRET: secret });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

/** Web Chat as a site embeds it: a token from its server, a store that sends the start event. */
function embeddingPage(token: string, bot: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Web Chat</title></head>
<body><div id="webchat" style="height: 700px"></div>
<script src="/webchat.js"></script>
<script>
  window.__incoming = [];
  const store = window.WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED')
      dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'start', value: '' } });
    if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY')
      window.__incoming.push(action.payload.activity);
    return next(action);
  });
  window.WebChat.renderWebChat(
    {
      directLine: window.WebChat.createDirectLine({
        token: ${JSON.stringify(token)},
        domain: ${JSON.stringify(`${bot}/v3/directline`)},
      }),
      store,
      locale: 'fr-FR',
      styleOptions: { suggestedActionLayout: 'stacked' },
    },
    document.getElementById('webchat'),
  );
</script></body></html>`;
}

interface Incoming {
  id: string;
  type: string;
  text?: string;
  replyToId?: string;
  from: { id: string; role?: string };
  channelData?: { promptId?: string };
  suggestedActions?: { to?: string[]; actions: { title: string; value: { choiceId?: string } }[] };
}

async function incoming(page: Page): Promise<Incoming[]> {
  return page.evaluate(() => {
    return JSON.parse(JSON.stringify(Reflect.get(window, '__incoming') ?? []));
  });
}

/** Waits until a bot message replying to the person's latest activity has arrived, and the rest of its turn. */
async function untilReplied(page: Page, seen: number): Promise<Incoming[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const all = await incoming(page);
    const mine = all.slice(seen).filter((a) => a.from.role === 'user');
    const echo = mine.at(-1);
    if (echo && all.some((a) => a.from.role === 'bot' && a.replyToId === echo.id)) {
      await page.waitForTimeout(200); // the same turn's other replies come in the same group
      return incoming(page);
    }
    if (Date.now() > deadline) throw new Error(`no reply after ${JSON.stringify(all.slice(seen))}`);
    await page.waitForTimeout(100);
  }
}

function promptOf(activity: Incoming | undefined): Prompt | undefined {
  if (!activity) return undefined;
  return {
    promptId: activity.channelData?.promptId,
    choices: (activity.suggestedActions?.actions ?? []).map((a) => ({
      choiceId: String(a.value.choiceId),
      title: a.title,
    })),
  };
}

describe('Microsoft’s Bot Framework Web Chat, unchanged, against our Direct Line', () => {
  it('runs a whole questionnaire by tapping suggested actions; answers are stored', async () => {
    const res = await fetch(`${web.baseUrl}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId, name: 'Résident' } }),
    });
    const body: unknown = await res.json();
    const token =
      typeof body === 'object' && body !== null ? String(Reflect.get(body, 'token')) : '';
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The embedding site: another origin than the bot's (Direct Line answers it with CORS).
    const site = createServer((req, res) => {
      const js = req.url === '/webchat.js';
      res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' });
      res.end(js ? bundle : embeddingPage(token, web.baseUrl));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const address = site.address();
    const sitePort = typeof address === 'object' && address ? address.port : 0;
    await page.goto(`http://127.0.0.1:${sitePort}/`);

    let all = await untilReplied(page, 0);
    const tapped = new Set<string>();
    let steps = 0;
    let taps = 0;
    let typed = 0;
    for (; steps < 80; steps += 1) {
      const last = [...all].reverse().find((a) => a.from.role === 'bot' && a.type === 'message');
      const prompt = promptOf(last);
      const answer = nextAnswer(prompt, tapped);
      if (answer.kind === 'finished') break;
      const seen = all.length;
      if (answer.kind === 'tap') {
        tapped.add(prompt?.promptId ?? '');
        // The button Web Chat shows: only there when `suggestedActions.to` names its user.
        const button = page
          .locator('.webchat__suggested-actions button')
          .filter({ hasText: answer.title })
          .first();
        await button.click();
        taps += 1;
      } else {
        const box = page.locator('[data-id="webchat-sendbox-input"]');
        await box.fill(answer.text);
        await box.press('Enter');
        typed += 1;
      }
      all = await untilReplied(page, seen);
    }
    expect(steps).toBeGreaterThan(15);
    expect(taps).toBeGreaterThan(10);
    const last = [...all].reverse().find((a) => a.from.role === 'bot' && a.type === 'message');
    expect(last?.channelData?.promptId).toBe('_done');

    // Web Chat knows its user from the token: what it typed shows on its side (taps are
    // postBacks, which Web Chat does not show), the bot's on the other; nothing failed to
    // send (each echo matched its client activity id).
    expect(all.filter((a) => a.from.role === 'user').every((a) => a.from.id === userId)).toBe(true);
    expect(
      all.filter((a) => a.suggestedActions).every((a) => a.suggestedActions?.to?.[0] === userId),
    ).toBe(true);
    expect(typed).toBeGreaterThan(0);
    expect(await page.locator('.webchat__bubble--from-user').count()).toBe(typed);
    const botBubbles = page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');
    expect(await botBubbles.count()).toBeGreaterThan(20);
    expect(await page.getByText(/Send failed|Échec de l’envoi|Échec de l'envoi/).count()).toBe(0);
    expect(errors).toEqual([]);

    const identity = await web.runtime.db
      .collection<{ _id: string; participantId: string }>('identities')
      .findOne({ _id: `web:${userId}` });
    const participant = await web.runtime.db
      .collection<{ _id: string; status: string }>('participants')
      .findOne({ _id: identity?.participantId ?? '' });
    expect(participant?.status).toBe('completed');
    const answers = await web.runtime.db
      .collection('answers')
      .countDocuments({ participantId: participant?._id });
    expect(answers).toBeGreaterThan(10);
    await context.close();
    site.close();
  }, 240_000);
});
