import { createHash, randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: codes are read aloud, copied from paper and typed on phones. */
export const invitationAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const invitationCodeLength = 6;

/** How many derived candidates a council may walk through before its code is called lost. */
export const maxDerivationAttempts = 20;

/**
 * The invitation code of a QPV, the same on every install: a hash of its code written in the
 * no-confusion alphabet ("QN05981M" → always the same 6 characters). `attempt` gives the next
 * candidates, for the rare council whose first one is already someone else's.
 *
 * The codes are not secret (they are printed on posters); they only spare typing.
 *
 * @example derivedInvitationCode('QN05981M') // a 6-character code such as "K7QH3M"
 */
export function derivedInvitationCode(qpvCode: string, attempt = 0): string {
  const digest = createHash('sha256')
    .update(`concerto invitation code ${attempt} ${qpvCode.trim().toUpperCase()}`)
    .digest();
  // 48 bits for 31^6 ≈ 2^29.7 codes: the modulo bias is below one in 300,000.
  let rest = digest.readUIntBE(0, 6);
  let code = '';
  for (let i = 0; i < invitationCodeLength; i += 1) {
    code += invitationAlphabet[rest % invitationAlphabet.length];
    rest = Math.floor(rest / invitationAlphabet.length);
  }
  return code;
}

/** Whether `code` is one of the derived candidates of this council (not an older random one). */
export function isDerivedInvitationCode(councilId: string, code: string): boolean {
  for (let attempt = 0; attempt < maxDerivationAttempts; attempt += 1)
    if (derivedInvitationCode(councilId, attempt) === code) return true;
  return false;
}

/** A random 6-character code such as "K7QH3M" (31^6 ≈ 887 million possibilities). */
export function generateInvitationCode(): string {
  let code = '';
  for (let i = 0; i < invitationCodeLength; i += 1)
    code += invitationAlphabet[randomInt(invitationAlphabet.length)];
  return code;
}

/**
 * What a person typed, as stored: upper case, without spaces, dashes or a final full stop
 * ("k7q-h3m." → "K7QH3M"; a link at the end of an SMS often carries the sentence's stop).
 */
export function normalizeInvitationCode(text: string): string {
  return text
    .trim()
    .replace(/[.,;:!?]+$/u, '')
    .toUpperCase()
    .replace(/[\s-]+/g, '');
}

/** Codes chosen by an admin may use any letters and digits, 4 to 20 of them. */
export function isValidInvitationCode(code: string): boolean {
  return /^[A-Z0-9]{4,20}$/.test(code);
}
