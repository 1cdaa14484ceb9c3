import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner, tokenSignerFor } from '../../bot/web/directline-token.js';
import { DirectLineRepository } from '../../storage/directline-repository.js';
import { startFakePushService, type FakePushService } from '../helpers/fake-push-service.js';
import { directLineHttp, type Conversation } from '../web/directline-http.js';
import { startWebServer, type WebServer } from '../web/start-web-server.js';

let web: WebServer;
let service: FakePushService;
let dl: ReturnType<typeof directLineHttp>;
let serverKey: string;

beforeAll(async () => {
  web = await startWebServer();
  service = await startFakePushService();
  dl = directLineHttp(web.baseUrl);
  const res = await fetch(`${web.baseUrl}/web/push/key`);
  serverKey = String((await dl.json(res)).publicKey);
});

afterAll(async () => {
  await service?.close();
  await web?.stop();
});

function subscribe(conv: Conversation, body: unknown, token = conv.token, method = 'POST') {
  return fetch(`${web.baseUrl}/web/push/subscription`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** A body with a new subscription of the browser for this conversation. */
function freshBody(conv: Conversation) {
  return { conversationId: conv.conversationId, subscription: service.subscribe(serverKey).json };
}

/** A conversation whose person has consented: there is a participant to remind. */
/** The claims a token of this conversation carries: its bound user, its current generation. */
async function claimsOf(conversationId: string) {
  const found = await web.runtime.directLine.findConversation(conversationId);
  return { conversationId, userId: found?.userId, generation: found?.tokenGeneration ?? 0 };
}

async function talking(): Promise<Conversation> {
  const conv = await dl.open();
  await dl.say(conv, { type: 'event', name: 'start' });
  await dl.say(conv, { type: 'message', value: { promptId: '_consent', choiceId: 'yes' } });
  return conv;
}

async function participantIdOf(conv: Conversation): Promise<string | undefined> {
  const conversation = await new DirectLineRepository(web.runtime.db).findConversation(
    conv.conversationId,
  );
  const identity = { channel: 'web' as const, externalId: conversation?.userId ?? '' };
  return (await web.runtime.storage.participants.load(identity))?.participantId;
}

async function errorOf(res: Response): Promise<{ status: number; message: string }> {
  const body = await dl.json(res);
  const error = Object(body.error);
  return { status: res.status, message: String(error.message) };
}

describe('the subscription route of the chat page', () => {
  it('gives the server key, stores a subscription for the conversation, and replaces it', async () => {
    expect(serverKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    // Generated on the first start and kept: the one in the database is the one served.
    const stored = await web.runtime.db
      .collection<{ _id: string; publicKey: string }>('settings')
      .findOne({ _id: 'vapid_keys' });
    expect(stored?.publicKey).toBe(serverKey);

    const conv = await talking();
    const participantId = await participantIdOf(conv);
    expect(participantId).toBeDefined();
    const first = service.subscribe(serverKey);
    const created = await subscribe(conv, {
      conversationId: conv.conversationId,
      subscription: first.json,
    });
    expect(created.status).toBe(201);
    expect(await dl.json(created)).toEqual({ stored: true, replaced: false });
    const subscriptions = web.runtime.storage.pushSubscriptions;
    expect((await subscriptions.get(participantId!))?.subscription).toEqual(first.json);

    // The browser renewed its subscription: the new one replaces the old.
    const second = service.subscribe(serverKey);
    const replaced = await subscribe(conv, {
      conversationId: conv.conversationId,
      subscription: second.json,
    });
    expect(replaced.status).toBe(200);
    expect(await dl.json(replaced)).toEqual({ stored: true, replaced: true });
    expect((await subscriptions.get(participantId!))?.subscription.endpoint).toBe(
      second.json.endpoint,
    );

    const removed = await subscribe(
      conv,
      { conversationId: conv.conversationId },
      conv.token,
      'DELETE',
    );
    expect(removed.status).toBe(200);
    expect(await subscriptions.get(participantId!)).toBeNull();
  });

  it("refuses a subscription for someone else's conversation", async () => {
    const mine = await talking();
    const theirs = await talking();
    const res = await subscribe(mine, freshBody(theirs));
    expect(await errorOf(res)).toEqual({
      status: 403,
      message: 'token not valid for this conversation',
    });
    expect(
      await web.runtime.storage.pushSubscriptions.get((await participantIdOf(theirs))!),
    ).toBeNull();
    // A token signed with another secret proves nothing.
    const forged = createTokenSigner('not the secret').sign(
      await claimsOf(theirs.conversationId),
      new Date(),
    );
    const withForged = await subscribe(theirs, freshBody(theirs), forged);
    expect(await errorOf(withForged)).toEqual({ status: 401, message: 'invalid token' });
    const none = await fetch(`${web.baseUrl}/web/push/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: theirs.conversationId }),
    });
    expect(none.status).toBe(400);
  });

  it('asks an expired token to be renewed (403); nobody to remind before the first message or the consent (409)', async () => {
    const conv = await talking();
    const secret = await web.runtime.directLine.getOrCreateSetting(
      'directline_secret',
      () => '',
      new Date(),
    );
    const old = tokenSignerFor(secret).sign(
      await claimsOf(conv.conversationId),
      new Date(Date.now() - 7200_000),
    );
    const expired = await subscribe(conv, freshBody(conv), old);
    expect(await errorOf(expired)).toEqual({ status: 403, message: 'token expired' });

    const silent = await dl.open();
    const early = await subscribe(silent, freshBody(silent));
    expect(await errorOf(early)).toEqual({
      status: 409,
      message: 'the conversation has nobody to remind yet',
    });
    await dl.say(silent, { type: 'event', name: 'start' });
    const beforeConsent = await subscribe(silent, freshBody(silent));
    expect(await errorOf(beforeConsent)).toEqual({
      status: 409,
      message: 'the person has not consented: nothing can be kept yet',
    });
    const id = (await participantIdOf(silent))!;
    expect(await web.runtime.storage.pushSubscriptions.get(id)).toBeNull();
  });

  it('refuses a malformed subscription with a message naming the field, and stores nothing', async () => {
    const conv = await talking();
    const good = service.subscribe(serverKey).json;
    const cases: [unknown, RegExp][] = [
      [{ conversationId: conv.conversationId }, /subscription/],
      [
        {
          conversationId: conv.conversationId,
          subscription: { ...good, endpoint: 'http://push.example.net/x' },
        },
        /subscription\.endpoint/,
      ],
      [
        {
          conversationId: conv.conversationId,
          subscription: { ...good, keys: { auth: good.keys.auth } },
        },
        /subscription\.keys\.p256dh/,
      ],
      [
        {
          conversationId: conv.conversationId,
          subscription: { ...good, keys: { ...good.keys, p256dh: 'AAAA' } },
        },
        /subscription\.keys\.p256dh: a base64url P-256 public key/,
      ],
      [
        {
          conversationId: conv.conversationId,
          subscription: { ...good, keys: { ...good.keys, auth: 'x'.repeat(40) } },
        },
        /subscription\.keys\.auth/,
      ],
      [{ conversationId: '../../etc', subscription: good }, /conversationId/],
    ];
    for (const [body, message] of cases) {
      const res = await subscribe(conv, body);
      const error = await errorOf(res);
      expect(error.status, JSON.stringify(body)).toBe(400);
      expect(error.message).toMatch(message);
    }
    const notJson = await fetch(`${web.baseUrl}/web/push/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${conv.token}` },
      body: '{"conversationId":',
    });
    expect(await errorOf(notJson)).toEqual({ status: 400, message: 'malformed JSON' });
    expect(
      await web.runtime.storage.pushSubscriptions.get((await participantIdOf(conv))!),
    ).toBeNull();
  });

  it('forgets the subscription when the person erases their data (« supprimer »)', async () => {
    const conv = await talking();
    const participantId = (await participantIdOf(conv))!;
    const res = await subscribe(conv, freshBody(conv));
    expect(res.status).toBe(201);
    const asked = await dl.say(conv, { type: 'message', text: 'supprimer' });
    expect(asked.at(-1)?.promptId).toBe('_delete');
    await dl.say(conv, { type: 'message', value: { promptId: '_delete', choiceId: 'yes' } });
    expect(await web.runtime.storage.participants.get(participantId)).toBeNull();
    expect(await web.runtime.storage.pushSubscriptions.get(participantId)).toBeNull();
    expect(
      await web.runtime.db
        .collection<{ _id: string }>('push_subscriptions')
        .countDocuments({ _id: participantId }),
    ).toBe(0);
  });

  it('serves the service worker from the root, not cached for good', async () => {
    const res = await fetch(`${web.baseUrl}/push-worker.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain("addEventListener('push'");
  });
});
