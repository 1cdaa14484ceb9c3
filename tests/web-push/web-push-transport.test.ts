import { createECDH } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoClient } from 'mongodb';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reminderPayload } from '../../bot/web-push/reminder-payload.js';
import type { VapidDetails } from '../../bot/web-push/vapid-details.js';
import {
  createWebPushTransport,
  retryAfterMs,
  type WebPushTransport,
} from '../../bot/web-push/web-push-transport.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { MongoPushSubscriptions } from '../../storage/push-subscriptions.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import { newVapidKeys, storedVapidKeys } from '../../storage/vapid-keys.js';
import {
  checkVapid,
  decryptAes128gcm,
  startFakePushService,
  type FakePushService,
  type FakeSubscription,
} from '../helpers/fake-push-service.js';
import { reminderMessage } from './reminder-message.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let service: FakePushService;
let subscriptions: MongoPushSubscriptions;
let vapid: VapidDetails;
let transport: WebPushTransport;

const browser: ChannelIdentity = { channel: 'web', externalId: 'dl_abc123' };
const now = new Date('2026-11-28T10:00:00+01:00');

const message = reminderMessage;

function participant(id: string, identities = [browser]): ParticipantSummary {
  return {
    participantId: id,
    version: 4,
    identities,
    consultationId: 'cc2017',
    councilId: 'QN05981M',
    lang: 'fr',
    status: 'in_progress',
    progress: { answered: 3, themesCompleted: [], themesLeft: 6 },
    remindersOff: false,
    unreachable: false,
    reminders: { received: 0 },
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
  };
}

/** A browser subscribes to the push service and the page sends it to us. */
async function subscribed(participantId: string, key = vapid.publicKey): Promise<FakeSubscription> {
  const subscription = service.subscribe(key);
  await subscriptions.save(participantId, browser, subscription.json, now);
  return subscription;
}

beforeAll(async () => {
  database = await useTestDatabase();
  service = await startFakePushService();
  subscriptions = new MongoPushSubscriptions(database.db);
  vapid = { subject: 'mailto:dpo@example.org', ...(await storedVapidKeys(database.db)) };
  transport = createWebPushTransport({ subscriptions, vapid, agent: service.agent });
});

afterAll(async () => {
  await service?.close();
  await database?.drop();
});

beforeEach(() => {
  service.received.length = 0;
  service.refused.length = 0;
});

describe('reminders by Web Push', () => {
  it('sends the reminder encrypted for the browser and signed with the server key (201: sent)', async () => {
    const browserSide = await subscribed('p-sent');
    const result = await transport.send(participant('p-sent'), message);
    expect(result).toEqual({ kind: 'sent' });
    expect(service.refused).toEqual([]);
    expect(service.received).toHaveLength(1);
    const [push] = service.received;
    // Decrypted by the push service stand-in with the browser's private key: what the page shows.
    expect(JSON.parse(push!.text)).toEqual(reminderPayload(message));
    expect(push).toMatchObject({
      subscriptionId: browserSide.id,
      topic: 'reminder',
      urgency: 'normal',
      claims: { aud: service.origin, sub: 'mailto:dpo@example.org' },
    });
    expect(push!.ttl).toBeGreaterThan(3600);
    // Nothing about the person beyond the reminder text.
    expect(push!.text).not.toContain('p-sent');
    expect(push!.text).not.toContain('QN05981M');
    expect(push!.text).not.toContain(browser.externalId);
  });

  it('keeps the stored keys across restarts: the same pair for every process', async () => {
    expect(await storedVapidKeys(database.db)).toEqual({
      publicKey: vapid.publicKey,
      privateKey: vapid.privateKey,
    });
  });

  it('has no route for someone without a subscription', async () => {
    expect(await transport.send(participant('p-none'), message)).toEqual({ kind: 'no_route' });
    expect(service.received).toEqual([]);
  });

  it('drops a subscription the push service says is gone (410 and 404): no route', async () => {
    const gone = await subscribed('p-gone');
    service.unsubscribe(gone.id);
    expect(await transport.send(participant('p-gone'), message)).toEqual({ kind: 'no_route' });
    expect(service.refused).toMatchObject([{ subscriptionId: gone.id, status: 410 }]);
    expect(await subscriptions.get('p-gone')).toBeNull();

    const unknown = await subscribed('p-404');
    service.script(unknown.id, { status: 404 });
    expect(await transport.send(participant('p-404'), message)).toEqual({ kind: 'no_route' });
    expect(await subscriptions.get('p-404')).toBeNull();
  });

  it('removes a gone subscription only while it is still the stored one', async () => {
    const old = await subscribed('p-renewed');
    // The page sent a new subscription before the push service's 410 for the old one came back.
    const fresh = await subscribed('p-renewed');
    await subscriptions.remove('p-renewed', old.json.endpoint);
    expect((await subscriptions.get('p-renewed'))?.subscription).toEqual(fresh.json);
    await subscriptions.remove('p-renewed');
    expect(await subscriptions.get('p-renewed')).toBeNull();
  });

  it('retries after the Retry-After of a 429 or a 503, and keeps the subscription', async () => {
    const busy = await subscribed('p-busy');
    service.script(busy.id, { status: 429, headers: { 'retry-after': '120' } });
    expect(await transport.send(participant('p-busy'), message)).toEqual({
      kind: 'retry',
      afterMs: 120_000,
      reason: 'push service answered 429',
    });
    const when = new Date(Date.now() + 30_000).toUTCString();
    service.script(busy.id, { status: 503, headers: { 'retry-after': when } });
    const second = await transport.send(participant('p-busy'), message);
    expect(second.kind).toBe('retry');
    expect(second.kind === 'retry' && second.afterMs).toBeGreaterThan(25_000);
    expect(second.kind === 'retry' && second.afterMs).toBeLessThanOrEqual(30_000);
    expect(await subscriptions.get('p-busy')).not.toBeNull();
    // Once the service takes it again, it is sent.
    expect(await transport.send(participant('p-busy'), message)).toEqual({ kind: 'sent' });
    expect(service.received).toHaveLength(1);
  });

  it('fails when the push service refuses our signature: another server key (403)', async () => {
    await subscribed('p-other-key', newVapidKeys().publicKey);
    const result = await transport.send(participant('p-other-key'), message);
    expect(result).toMatchObject({ kind: 'failed' });
    expect(result.kind === 'failed' && result.reason).toContain('403');
    expect(service.refused).toMatchObject([{ status: 403 }]);
    expect(service.received).toEqual([]);
  });

  it('fails without a request when the browser key is not a P-256 point, and drops it', async () => {
    const bad = service.subscribe(vapid.publicKey);
    const notOnCurve = Buffer.alloc(65, 7);
    notOnCurve[0] = 4;
    await subscriptions.save(
      'p-bad-key',
      browser,
      { ...bad.json, keys: { ...bad.json.keys, p256dh: notOnCurve.toString('base64url') } },
      now,
    );
    expect(await transport.send(participant('p-bad-key'), message)).toEqual({
      kind: 'failed',
      reason: 'the subscription keys are unusable',
    });
    expect(service.received).toEqual([]);
    expect(service.refused).toEqual([]);
    expect(await subscriptions.get('p-bad-key')).toBeNull();
  });

  it('does not follow an identity a continuation code moved to someone else', async () => {
    await subscribed('p-moved');
    const elsewhere = participant('p-moved', [{ channel: 'telegram', externalId: '42' }]);
    expect(await transport.send(elsewhere, message)).toEqual({ kind: 'no_route' });
    expect(service.received).toEqual([]);
    expect(await subscriptions.get('p-moved')).toBeNull();
  });

  it('retries later when the push service cannot be reached', async () => {
    const closed = await startFakePushService();
    const subscription = closed.subscribe(vapid.publicKey);
    await closed.close();
    await subscriptions.save('p-down', browser, subscription.json, now);
    const result = await transport.send(participant('p-down'), message);
    expect(result).toMatchObject({ kind: 'retry', afterMs: 30_000 });
    expect(await subscriptions.get('p-down')).not.toBeNull();
  });

  it('retries later, without throwing, when the database cannot be read', async () => {
    // A port nobody listens on: the driver's own server selection fails, as in an outage.
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(0, '127.0.0.1', resolve));
    const address = socket.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, {
      serverSelectionTimeoutMS: 300,
    });
    try {
      const unreadable = createWebPushTransport({
        subscriptions: new MongoPushSubscriptions(client.db('concerto')),
        vapid,
        agent: service.agent,
      });
      const result = await unreadable.send(participant('p-outage'), message);
      expect(result).toMatchObject({ kind: 'retry', afterMs: 30_000 });
      expect(service.received).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('the push service stand-in', () => {
  it('refuses what a real push service refuses: a forged signature, another audience, a tampered body', () => {
    const browserSide = service.subscribe(vapid.publicKey);
    const details = webpush.generateRequestDetails(browserSide.json, 'bonjour', {
      vapidDetails: vapid,
      contentEncoding: 'aes128gcm',
    });
    const authorization = String(details.headers['Authorization']);
    expect(checkVapid(authorization, service.origin, vapid.publicKey)).toMatchObject({ ok: true });
    expect(checkVapid(authorization, 'https://push.example.net', vapid.publicKey)).toMatchObject({
      ok: false,
      status: 403,
    });
    const forged = authorization.replace(/t=([^.]+)\.([^.]+)\./, (_whole, head: string) => {
      const claims = {
        aud: service.origin,
        exp: Math.floor(Date.now() / 1000) + 600,
        sub: 'mailto:x@y.z',
      };
      return `t=${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    });
    expect(checkVapid(forged, service.origin, vapid.publicKey)).toMatchObject({
      ok: false,
      reason: 'bad JWT signature',
    });
    expect(checkVapid(undefined, service.origin, vapid.publicKey)).toMatchObject({ status: 401 });

    // The body decrypts with the browser's key and auth secret, and with nothing else.
    const receiver = createECDH('prime256v1');
    receiver.generateKeys();
    const body = Buffer.from(details.body ?? '');
    const tampered = Buffer.from(body);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 1;
    expect(() => decryptAes128gcm(body, receiver, Buffer.alloc(16))).toThrow();
    expect(() => decryptAes128gcm(tampered, receiver, Buffer.alloc(16))).toThrow();
  });

  it('reads Retry-After in seconds or as a date, within bounds', () => {
    const at = Date.parse('2026-11-28T10:00:00Z');
    expect(retryAfterMs('5', at)).toBe(5000);
    expect(retryAfterMs('Sat, 28 Nov 2026 10:02:00 GMT', at)).toBe(120_000);
    expect(retryAfterMs(undefined, at)).toBe(60_000);
    expect(retryAfterMs('soon', at)).toBe(60_000);
    expect(retryAfterMs('0', at)).toBe(1000);
    expect(retryAfterMs('999999', at)).toBe(3_600_000);
  });
});
