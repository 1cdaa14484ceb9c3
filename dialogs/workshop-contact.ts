/** How a volunteer for the workshop may be reached: at least one of the two. */
export interface WorkshopContact {
  /** Lower case. */
  email?: string;
  /** International form: « +33612345678 ». */
  phone?: string;
}

/**
 * The e-mail address and the phone number in a message, if it clearly holds one (« c'est
 * jean.dupont@exemple.fr », « 06 12 34 56 78 », « +44 20 7946 0958 »). Anything less clear
 * is no contact: nothing is kept that the person did not clearly give.
 *
 * @example readWorkshopContact('mon mail : Jean@Exemple.fr') // { email: 'jean@exemple.fr' }
 */
export function readWorkshopContact(text: string): WorkshopContact | undefined {
  const tidy = text.replace(/\s*@\s*/g, '@');
  const email = emailPattern.exec(tidy)?.[0].toLowerCase();
  const withoutEmail = email === undefined ? tidy : tidy.replace(emailPattern, ' ');
  const phone = phoneOf(withoutEmail);
  if (email === undefined && phone === undefined) return undefined;
  return { ...(email === undefined ? {} : { email }), ...(phone === undefined ? {} : { phone }) };
}

/**
 * A contact shown back without giving it away (« j•••@exemple.fr », « 06 •• •• •• 78 »):
 * enough to spot a typo in the domain or the last digits, too little to be of use to anyone
 * reading over a shoulder or a transcript.
 */
export function maskContact(contact: WorkshopContact): string {
  const parts: string[] = [];
  if (contact.email !== undefined) {
    const [local = '', domain = ''] = contact.email.split('@');
    parts.push(`${local.slice(0, 1)}•••@${domain}`);
  }
  if (contact.phone !== undefined) {
    const digits = contact.phone.replace(/\D/g, '');
    const last = digits.slice(-2);
    parts.push(
      contact.phone.startsWith('+33')
        ? `0${digits.slice(2, 3)} •• •• •• ${last}`
        : `+${digits.slice(0, 2)}${'•'.repeat(Math.max(0, digits.length - 4))}${last}`,
    );
  }
  return parts.join(', ');
}

const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;

/** A run of digits and separators, perhaps after + or 00 (and the « (0) » of +33 (0)6…). */
const phoneRun = /(?:\+|\b00)?\s?\(?\d[\d\s.()/-]{6,}\d/g;

function phoneOf(text: string): string | undefined {
  for (const match of text.matchAll(phoneRun)) {
    const run = match[0].trim();
    const international = run.startsWith('+') || run.startsWith('00');
    const digits = run.replace(/\(0\)/, '').replace(/\D/g, '');
    if (international) {
      const number = run.startsWith('00') ? digits.slice(2) : digits;
      if (number.length >= 8 && number.length <= 15) return `+${number}`;
    } else if (/^0[1-9]\d{8}$/.test(digits)) {
      // French national number: 0 then nine digits.
      return `+33${digits.slice(1)}`;
    }
  }
  return undefined;
}
