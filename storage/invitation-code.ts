import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: codes are read aloud, copied from paper and typed on phones. */
export const invitationAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const invitationCodeLength = 6;

/** A random 6-character code such as "K7QH3M" (31^6 ≈ 887 million possibilities). */
export function generateInvitationCode(): string {
  let code = '';
  for (let i = 0; i < invitationCodeLength; i += 1)
    code += invitationAlphabet[randomInt(invitationAlphabet.length)];
  return code;
}

/** What a person typed, as stored: upper case, without spaces or dashes ("k7q-h3m" → "K7QH3M"). */
export function normalizeInvitationCode(text: string): string {
  return text
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '');
}

/** Codes chosen by an admin may use any letters and digits, 4 to 20 of them. */
export function isValidInvitationCode(code: string): boolean {
  return /^[A-Z0-9]{4,20}$/.test(code);
}
