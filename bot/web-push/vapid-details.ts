import type { Db } from 'mongodb';
import { storedVapidKeys } from '../../storage/vapid-keys.js';
import type { Config } from '../config.js';

/** What signs every push request (RFC 8292): the key pair and who push services may contact. */
export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** A subject that names nobody: fine for trying things out, to be replaced in production. */
export const placeholderSubject = 'mailto:concerto@example.invalid';

/**
 * The VAPID keys of VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY (checked together in config.ts), else
 * the pair generated on the first start and kept in the database for every process.
 */
export async function resolveVapidDetails(
  config: Config,
  db: Db,
): Promise<{ vapid: VapidDetails; source: 'VAPID_PUBLIC_KEY' | 'database' }> {
  const subject = vapidSubjectOf(config);
  if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY)
    return {
      vapid: { subject, publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY },
      source: 'VAPID_PUBLIC_KEY',
    };
  return { vapid: { subject, ...(await storedVapidKeys(db)) }, source: 'database' };
}

/**
 * VAPID_SUBJECT, else the operator's PRIVACY_CONTACT, else PUBLIC_URL when it is https, else a
 * placeholder (Apple's push service refuses it: set VAPID_SUBJECT in production).
 */
export function vapidSubjectOf(config: {
  VAPID_SUBJECT?: string | undefined;
  PRIVACY_CONTACT?: string | undefined;
  PUBLIC_URL: string;
}): string {
  if (config.VAPID_SUBJECT) return config.VAPID_SUBJECT;
  const contact = config.PRIVACY_CONTACT;
  if (contact?.startsWith('https://')) return contact;
  if (contact && !contact.includes('://')) return `mailto:${contact}`;
  const publicUrl = new URL(config.PUBLIC_URL);
  if (publicUrl.protocol === 'https:' && publicUrl.hostname !== 'localhost')
    return publicUrl.origin;
  return placeholderSubject;
}
