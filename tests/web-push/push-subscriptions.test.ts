import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseParticipant } from '../../storage/apply-turn-effects.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import { memoryStorage } from '../../storage/memory-storage.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import type { PushSubscriptionJson } from '../../storage/push-subscriptions.js';
import type { Storage } from '../../storage/storage.js';
import { newVapidKeys } from '../../storage/vapid-keys.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const browser: ChannelIdentity = { channel: 'web', externalId: 'dl_phone' };
const t0 = new Date('2026-11-28T09:00:00Z');
const t1 = new Date('2026-11-29T09:00:00Z');

const browserKeys = Array.from({ length: 6 }, () => newVapidKeys().publicKey);

function subscription(n: number): PushSubscriptionJson {
  return {
    endpoint: `https://push.example.net/send/${n}`,
    expirationTime: null,
    keys: { p256dh: browserKeys[n] ?? '', auth: Buffer.alloc(16, n).toString('base64url') },
  };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await useTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const implementations: [string, () => Storage][] = [
  ['memory', () => memoryStorage()],
  ['MongoDB', () => mongoStorage(database.db)],
];

for (const [name, make] of implementations) {
  describe(`push subscriptions (${name})`, () => {
    it('keeps one per participant: saved, replaced, removed only while it is the one named', async () => {
      const { pushSubscriptions: store } = make();
      const id = `${name}-p1`;
      expect(await store.get(id)).toBeNull();
      await store.save(id, browser, subscription(1), t0);
      expect(await store.get(id)).toEqual({
        participantId: id,
        identity: 'web:dl_phone',
        subscription: subscription(1),
        updatedAt: t0,
      });
      await store.save(id, browser, subscription(2), t1);
      expect((await store.get(id))?.subscription.endpoint).toBe(subscription(2).endpoint);
      await store.remove(id, subscription(1).endpoint);
      expect((await store.get(id))?.subscription.endpoint).toBe(subscription(2).endpoint);
      await store.remove(id, subscription(2).endpoint);
      expect(await store.get(id)).toBeNull();
    });

    it('refuses to write a subscription that is not one', async () => {
      const { pushSubscriptions: store } = make();
      const bad = { ...subscription(3), endpoint: 'http://push.example.net/x' };
      await expect(store.save(`${name}-p2`, browser, bad, t0)).rejects.toThrow(
        /refusing to write push_subscriptions/,
      );
      expect(await store.get(`${name}-p2`)).toBeNull();
    });

    it('goes with the participant when they are erased', async () => {
      const storage = make();
      const id = `${name}-p3`;
      await storage.pushSubscriptions.save(id, browser, subscription(4), t0);
      await storage.pushSubscriptions.save(`${name}-other`, browser, subscription(5), t0);
      await eraseParticipant(storage, id, 'cc2017', { version: 3, deletion: { questionIds: [] } });
      expect(await storage.pushSubscriptions.get(id)).toBeNull();
      expect(await storage.pushSubscriptions.get(`${name}-other`)).not.toBeNull();
    });
  });
}
