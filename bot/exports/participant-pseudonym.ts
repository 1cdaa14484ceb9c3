import { createHmac } from 'node:crypto';
import type { Db } from 'mongodb';
import { pseudonymSecret } from '../../storage/pseudonym-secret.js';
import type { Config } from '../config.js';

/**
 * The pseudonym of a participant in every export (answers, participants, transcripts, the
 * workshop synthesis): HMAC-SHA256 of the participant id keyed by the pseudonym secret, first
 * 16 hex characters (64 bits: no collision in practice). The same participant gets the same
 * pseudonym in every file made with the same secret; without the secret it cannot be linked
 * back to the participant id.
 *
 * @example participantPseudonym('0b9f…', secret) // 'c41f0e6a9d2b7e55'
 */
export function participantPseudonym(participantId: string, secret: string): string {
  if (secret.length === 0) throw new Error('participantPseudonym: the pseudonym secret is empty');
  return createHmac('sha256', secret).update(participantId).digest('hex').slice(0, 16);
}

/**
 * The pseudonym of a volunteer in the workshop draw's published pool and lists: keyed like
 * the exports' but for the workshop only, so that the criteria the pool publishes (council,
 * role, gender) cannot be joined to anyone's answers in an export.
 *
 * @example workshopPseudonym('0b9f…', secret) // '5d20a7…', never participantPseudonym's
 */
export function workshopPseudonym(participantId: string, secret: string): string {
  return participantPseudonym(`workshop:${participantId}`, secret);
}

/**
 * The secret that keys pseudonyms: `PSEUDONYM_SECRET` when set (production requires it, see
 * config.ts), else the one made once and kept in the database's `settings`.
 */
export async function exportPseudonymSecret(config: Config, db: Db): Promise<string> {
  return config.PSEUDONYM_SECRET ?? (await pseudonymSecret(db));
}
