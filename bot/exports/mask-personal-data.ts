/**
 * Free text can carry a phone number, an e-mail or a postal address. Exports replace them
 * with a placeholder unless an admin asks for raw text (audited). Conservative on purpose:
 * masking a year or a bus line number by mistake costs less than leaking a phone number.
 *
 * @example maskPersonalData('appelez-moi au 06 12 34 56 78') // 'appelez-moi au [téléphone]'
 */
export function maskPersonalData(text: string, lang: 'fr' | 'en' = 'fr'): string {
  const label = labels[lang];
  return text
    .replace(emailPattern, label.email)
    .replace(obfuscatedEmailPattern, label.email)
    .replace(phonePattern, (match) => (digitCount(match) >= 8 ? label.phone : match))
    .replace(frenchAddressPattern, label.address)
    .replace(englishAddressPattern, label.address)
    .replace(dwellingPattern, label.address);
}

/** Whether masking would change the text (for counts in reports). */
export function hasPersonalData(text: string): boolean {
  return maskPersonalData(text) !== text;
}

const labels = {
  fr: { phone: '[téléphone]', email: '[e-mail]', address: '[adresse]' },
  en: { phone: '[phone]', email: '[e-mail]', address: '[address]' },
} as const;

// user.name+tag@example.co.uk, also written with spaces around the @ (« jean @ gmail.com »).
const emailPattern = /[\p{L}\p{N}._%+-]+\s?@\s?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

// contact[at]mairie.fr, jean (arobase) gmail (point) com: written so that robots miss them.
const obfuscatedEmailPattern =
  /[\p{L}\p{N}._%+-]+\s?[[(](?:at|arobase|chez)[\])]\s?[\p{L}\p{N}-]+(?:\s?(?:\.|[[(](?:dot|point)[\])])\s?[\p{L}\p{N}-]+)+/giu;

// 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6…, 0033 6…,
// +44 20 7946 0958, +1 (555) 123-4567: a run of digits and separators, with 8+ digits.
const phonePattern =
  /(?<![\p{L}\p{N}])(?:(?:\+|00)\s?\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?)?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,5}(?![\p{L}\p{N}])/gu;

const frenchStreetTypes =
  'rue|r\\.|avenue|av\\.?|boulevard|bd|bld|all[ée]e|chemin|ch\\.|impasse|imp\\.?|place|pl\\.|quai|cours|route|rte|square|sq\\.?|r[ée]sidence|cit[ée]|passage|voie|sentier|lotissement|esplanade|parvis|rond-point|hameau|faubourg|fg|promenade|mail|villa|all\\.';

// 12 rue des Lilas, 3 bis avenue Jean-Jaurès 59100 Roubaix, 45, bd de la République
const frenchAddressPattern = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,4}\\s?(?:bis|ter|quater|[a-d])?,?\\s+(?:${frenchStreetTypes})(?![\\p{L}])[^,.;!?\\n]{0,60}(?:,?\\s*\\d{5}(?:\\s+[\\p{L}' -]{2,40})?)?`,
  'giu',
);

const englishStreetTypes = [
  'street',
  'st',
  'road',
  'rd',
  'avenue',
  'ave',
  'lane',
  'ln',
  'drive',
  'dr',
  'way',
  'close',
  'court',
  'ct',
  'place',
  'pl',
  'square',
  'sq',
  'terrace',
  'crescent',
  'gardens',
]
  // Capitalised or not ("Baker Street", "baker street"); the name words stay capitalised.
  .map((word) => `[${word[0]?.toUpperCase()}${word[0]}]${word.slice(1)}`)
  .join('|');

// 221B Baker Street, 10 Downing St, 5 Elm Road
const englishAddressPattern = new RegExp(
  `(?<![\\p{L}\\p{N}])\\d{1,4}[a-zA-Z]?\\s+(?:\\p{Lu}[\\p{L}'-]*\\s+){1,3}(?:${englishStreetTypes})(?![\\p{L}])\\.?`,
  'gu',
);

// bâtiment C, escalier 2, appartement 14, apt 3B
const dwellingPattern =
  /(?<![\p{L}])(?:appartement|appart|appt|apt|apartment|flat|b[âa]timent|b[âa]t\.?|escalier|esc\.)\s?(?:n[°o]\s?)?[\p{L}\p{N}]{1,4}(?![\p{L}\p{N}])/giu;

function digitCount(text: string): number {
  return text.replace(/\D/g, '').length;
}
