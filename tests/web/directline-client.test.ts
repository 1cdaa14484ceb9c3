import {
  ConnectionStatus,
  DirectLine,
  type Activity,
  type Message,
} from 'botframework-directlinejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installBrowserGlobals, openedSockets } from './node-xhr.js';
import { nextAnswer, type Prompt } from './next-answer.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const secret = 'test-directline-secret-0123456789';
/** The client's claim; the server uses the conversation's own user id instead. */
const user = { id: 'ignored-by-server' };
let web: WebServer;

beforeAll(async () => {
  installBrowserGlobals();
  web = await startWebServer({ DIRECTLINE_SECRET: secret });
});

afterAll(async () => {
  await web?.stop();
});

/** Microsoft's client against our server: every bot message it receives, in order. */
function connect(options: { token: string; conversationId?: string; watermark?: string }) {
  const dl = new DirectLine({
    ...options,
    domain: `${web.baseUrl}/v3/directline`,
    webSocket: true,
    random: () => 0,
  });
  const received: Message[] = [];
  const waiters: (() => void)[] = [];
  const subscription = dl.activity$.subscribe((activity: Activity) => {
    if (
      activity.type === 'message' &&
      activity.from.role === 'bot' &&
      !received.some((m) => m.id === activity.id)
    ) {
      received.push(activity);
      for (const wake of waiters.splice(0)) wake();
    }
  });
  const post = (activity: Activity) =>
    new Promise<string>((resolve, reject) =>
      dl.postActivity(activity).subscribe({ next: resolve, error: reject }),
    );
  /** Waits until `count` bot messages have arrived. */
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${received.length} of ${count} bot messages arrived`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const end = () => {
    subscription.unsubscribe();
    dl.end();
  };
  return { dl, received, post, until, end };
}

function promptOf(message: Message | undefined): Prompt | undefined {
  if (!message) return undefined;
  const actions = message.suggestedActions?.actions ?? [];
  const promptId: unknown = message.channelData?.promptId;
  return {
    promptId: typeof promptId === 'string' ? promptId : undefined,
    choices: actions.map((a) => ({ choiceId: String(a.value.choiceId), title: a.title ?? '' })),
  };
}

async function generateToken(): Promise<{ token: string; conversationId: string }> {
  const res = await fetch(`${web.baseUrl}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(res.status).toBe(200);
  const body: unknown = await res.json();
  if (
    typeof body !== 'object' ||
    body === null ||
    !('token' in body) ||
    !('conversationId' in body)
  )
    throw new Error('bad body');
  return { token: String(body.token), conversationId: String(body.conversationId) };
}

describe('botframework-directlinejs against the self-hosted Direct Line', () => {
  it('completes the whole questionnaire, surviving a dropped socket and a reconnect with a watermark', async () => {
    const { token, conversationId } = await generateToken();
    let client = connect({ token, conversationId });
    await client.post({ type: 'event', name: 'start', value: '', from: user });
    await client.until(1);
    expect(client.received[0]!.text).toMatch(/Concerto/);
    const tapped = new Set<string>();
    let all: Message[] = [...client.received];
    let steps = 0;
    let resumedFrom = 0;
    for (; steps < 80; steps += 1) {
      const last = promptOf(all.at(-1));
      const answer = nextAnswer(last, tapped);
      if (answer.kind === 'finished') break;
      if (steps === 6) {
        // The network drops the socket: the client fetches a new stream URL with its watermark.
        openedSockets.at(-1)?.terminate();
      }
      if (steps === 12) {
        // The page is closed and opened again: a new client resumes from the last watermark.
        const watermark = String(Number(all.at(-1)!.id!.split('|')[1]));
        client.end();
        client = connect({ token, conversationId, watermark });
        resumedFrom = Number(watermark);
      }
      const before = client.received.length;
      if (answer.kind === 'tap') {
        tapped.add(last?.promptId ?? '');
        await client.post({
          type: 'message',
          from: user,
          text: answer.title,
          value: { promptId: last?.promptId, choiceId: answer.choiceId },
        });
      } else {
        await client.post({ type: 'message', from: user, text: answer.text });
      }
      await client.until(before + 1);
      // A turn's replies may come in more than one push: wait until nothing more arrives.
      for (let seen = -1; seen !== client.received.length;) {
        seen = client.received.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      all = [...all.filter((m) => !client.received.some((r) => r.id === m.id)), ...client.received];
    }
    expect(steps).toBeGreaterThan(20);
    expect(openedSockets.length).toBeGreaterThanOrEqual(3);
    // The resumed client was sent only what came after its watermark.
    expect(client.received.every((m) => Number(m.id!.split('|')[1]) > resumedFrom)).toBe(true);
    expect(promptOf(all.at(-1))?.promptId).toBe('_done');
    expect(client.dl.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    const ids = all.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const participant = await web.runtime.db
      .collection('participants')
      .findOne({ status: 'completed' });
    expect(participant).not.toBeNull();
    const answers = await web.runtime.db
      .collection('answers')
      .countDocuments({ participantId: participant!._id });
    expect(answers).toBeGreaterThan(10);
    client.end();
  }, 60_000);
});
