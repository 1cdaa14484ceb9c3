import { createECDH } from 'node:crypto';
import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Channel } from '../../storage/identity.js';
import { identityKey } from '../../storage/identity.js';
import type { PushSubscriptionStore } from '../../storage/push-subscriptions.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import type { Logger } from '../logger.js';
import type { DeliveryResult } from '../reminders/reminder-transport.js';
import type { Runtime } from '../start-runtime.js';
import { reminderPayload, type ReminderPayload, type ReminderToShow } from './reminder-payload.js';
import { resolveVapidDetails, type VapidDetails } from './vapid-details.js';

/**
 * The reminders' transport on the web (a `ReminderTransport`): it reads only the part of a
 * `ReminderMessage` a notification shows.
 */
export interface WebPushTransport {
  channel: Channel;
  send(target: ParticipantSummary, message: ReminderToShow): Promise<DeliveryResult>;
  /**
   * Any other notification (a workshop invitation): the same checks and results; `topic`
   * keeps it from replacing, or being replaced by, a reminder the push service still holds.
   */
  push(target: PushTarget, payload: PushPayload, topic: string): Promise<DeliveryResult>;
}

/** Who a notification is for: their participant id and identities (whose browser subscribed). */
export type PushTarget = Pick<ParticipantSummary, 'participantId' | 'identities'>;

/** What the service worker shows (bot/web/static/push-worker.js): a reminder's payload, or one without buttons. */
export type PushPayload =
  | ReminderPayload
  | { v: 1; title: string; body: string; lang: 'fr' | 'en'; tag: string; actions: [] };

export interface WebPushTransportOptions {
  subscriptions: PushSubscriptionStore;
  vapid: VapidDetails;
  log?: Logger | undefined;
  /** How long a push service keeps a reminder for a phone that is off (seconds). */
  ttlSeconds?: number;
  /** For a push service with its own certificate authority (tests' local one). */
  agent?: Agent | undefined;
  /** How long to wait for the push service. */
  timeoutMs?: number;
}

/** What a push service cannot take (RFC 8291: 4096 bytes encrypted, less the overhead). */
const maxPayloadBytes = 3800;
/** When a push service says « later » without saying when. */
const defaultRetryMs = 60_000;
const maxRetryMs = 3_600_000;

/**
 * Reminders as Web Push notifications: the participant's stored subscription, the payload
 * encrypted for it (aes128gcm) and signed with the server's VAPID key (web-push). 201 is sent;
 * 404/410 mean the browser dropped the subscription (removed here: `no_route`, the reminder
 * waits for their next visit); 429 and 5xx are retried after the push service's Retry-After.
 * `send` never throws: every answer of the push service, and a database failure, is a result.
 *
 * @example const result = await transport.send(participant, message) // { kind: 'sent' }
 */
export function createWebPushTransport(options: WebPushTransportOptions): WebPushTransport {
  const { subscriptions, vapid, log } = options;
  const ttl = options.ttlSeconds ?? 12 * 3600;
  // A subscription left behind is tried again at the next reminder and removed then.
  const removeQuietly = async (participantId: string, endpoint: string): Promise<void> => {
    try {
      await subscriptions.remove(participantId, endpoint);
    } catch (error) {
      log?.warn({ participantId, error: messageOf(error) }, 'web push subscription not removed');
    }
  };
  const deliver = async (
    target: PushTarget,
    payloadObject: PushPayload,
    topic: string,
  ): Promise<DeliveryResult> => {
    const { participantId } = target;
    let stored;
    try {
      stored = await subscriptions.get(participantId);
    } catch (error) {
      // The sender counts a throw as « maybe sent » and never retries it: nothing was sent.
      return {
        kind: 'retry',
        afterMs: 30_000,
        reason: `subscriptions unreadable: ${messageOf(error)}`,
      };
    }
    if (stored === null) return { kind: 'no_route' };
    const { endpoint } = stored.subscription;
    // A continuation code moved that browser's identity to someone else: not theirs any more.
    if (!target.identities.some((identity) => identityKey(identity) === stored.identity)) {
      await removeQuietly(participantId, endpoint);
      return { kind: 'no_route' };
    }
    const payload = JSON.stringify(payloadObject);
    if (Buffer.byteLength(payload) > maxPayloadBytes)
      return {
        kind: 'failed',
        reason: `payload of ${Buffer.byteLength(payload)} bytes is too large`,
      };
    const { keys } = stored.subscription;
    if (!usableKeys(keys)) {
      // It can never be encrypted for: no browser will ever read it.
      await removeQuietly(participantId, endpoint);
      return { kind: 'failed', reason: 'the subscription keys are unusable' };
    }
    try {
      await webpush.sendNotification({ endpoint, keys }, payload, {
        vapidDetails: vapid,
        contentEncoding: 'aes128gcm',
        TTL: ttl,
        urgency: 'normal',
        // A newer reminder replaces one the push service still holds for a phone that is off.
        topic,
        timeout: options.timeoutMs ?? 15_000,
        ...(options.agent ? { agent: options.agent } : {}),
      });
      log?.debug({ participantId, host: new URL(endpoint).host }, 'web push sent');
      return { kind: 'sent' };
    } catch (error) {
      const result = resultOfError(error);
      if (result.kind === 'no_route') await removeQuietly(participantId, endpoint);
      log?.info(
        { participantId, host: new URL(endpoint).host, result: result.kind },
        'web push not sent',
      );
      return result;
    }
  };
  return {
    channel: 'web',
    send: (target, message) => deliver(target, reminderPayload(message), 'reminder'),
    push: deliver,
  };
}

/** Failures to connect: nothing reached the push service. */
const notConnected = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
/** Failures once connected: the push service may have taken it. */
const maybeSent = ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'];

/** A push service's answer (or a network failure) as a delivery result. */
export function resultOfError(error: unknown): DeliveryResult {
  if (error instanceof webpush.WebPushError) {
    const status = error.statusCode;
    if (status === 404 || status === 410) return { kind: 'no_route' };
    if (status === 429 || status >= 500)
      return {
        kind: 'retry',
        afterMs: retryAfterMs(error.headers['retry-after']),
        reason: `push service answered ${status}`,
      };
    if (status === 401 || status === 403)
      return {
        kind: 'failed',
        reason: `push service refused the VAPID signature (${status}): were the keys changed?`,
      };
    return { kind: 'failed', reason: `push service answered ${status}` };
  }
  const code = codeOf(error);
  if (code !== undefined && notConnected.includes(code))
    return { kind: 'retry', afterMs: 30_000, reason: `push service unreachable (${code})` };
  // web-push's own timeout destroys the request with this message, after sending it.
  if ((code !== undefined && maybeSent.includes(code)) || messageOf(error) === 'Socket timeout')
    return { kind: 'uncertain', reason: `push request interrupted (${code ?? 'timeout'})` };
  // A certificate refused, or web-push refusing the request: nothing was sent.
  return { kind: 'failed', reason: `push request not sent: ${code ?? messageOf(error)}` };
}

/** Retry-After in seconds or as an HTTP date; a minute when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return defaultRetryMs;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return defaultRetryMs;
  return Math.min(maxRetryMs, Math.max(1000, Math.round(ms)));
}

/** Keys web-push can encrypt for: a point on P-256 and a 16-byte secret. */
function usableKeys(keys: { p256dh: string; auth: string }): boolean {
  if (Buffer.from(keys.auth, 'base64url').length !== 16) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(keys.p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'push request failed';
}

/**
 * The transport as `concerto serve` and `concerto remind` build it: the runtime's subscriptions
 * and the VAPID keys every process shares.
 *
 * @example const webPush = await webPushTransportFor(runtime); await webPush.send(participant, message)
 */
export async function webPushTransportFor(
  runtime: Pick<Runtime, 'config' | 'db' | 'storage' | 'log'>,
): Promise<WebPushTransport> {
  const { vapid } = await resolveVapidDetails(runtime.config, runtime.db);
  return createWebPushTransport({
    subscriptions: runtime.storage.pushSubscriptions,
    vapid,
    log: runtime.log,
  });
}
