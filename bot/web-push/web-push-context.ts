import type { PushSubscriptionStore } from '../../storage/push-subscriptions.js';
import type { ChannelIdentity } from '../../storage/identity.js';
import type { Runtime } from '../start-runtime.js';
import { resolveVapidDetails, type VapidDetails } from './vapid-details.js';

/** What the web channel needs for reminders by notification (ChannelContext's `webPush`). */
export interface WebPushContext {
  subscriptions: PushSubscriptionStore;
  /** The participant an identity talks as, or null (nobody yet, or being erased). */
  participantOf(
    identity: ChannelIdentity,
  ): Promise<{ participantId: string; consented: boolean } | null>;
  vapid: VapidDetails;
  source: 'VAPID_PUBLIC_KEY' | 'database';
}

/** Resolves the VAPID keys (generating and storing them on the very first start). */
export async function webPushContextFor(
  runtime: Pick<Runtime, 'config' | 'db' | 'storage'>,
): Promise<WebPushContext> {
  const { storage } = runtime;
  const { vapid, source } = await resolveVapidDetails(runtime.config, runtime.db);
  return {
    subscriptions: storage.pushSubscriptions,
    async participantOf(identity) {
      const loaded = await storage.participants.load(identity);
      if (loaded === null || loaded.lastTurn.deletion) return null;
      return { participantId: loaded.participantId, consented: loaded.state.consented };
    },
    vapid,
    source,
  };
}
