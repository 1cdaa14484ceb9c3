import { csvLine } from './csv-line.js';
import { fullContact, maskedContact } from './draw-workshop.js';
import type { InvitationReport } from './send-invitations.js';

/**
 * The organisers' list after `workshop invite` (and the admin page's): every drawn volunteer,
 * how the invitation went (route, status) and the contact they left, masked unless `full` —
 * those with an e-mail or a phone are to be written to by hand (no mail or SMS service here).
 */
export function invitationCsv(report: InvitationReport, contacts: 'masked' | 'full'): string {
  const header = ['pseudonym', 'lang', 'route', 'status', 'contact'];
  const lines = report.outcomes.map(({ volunteer, route, status }) =>
    csvLine([
      volunteer.key,
      volunteer.lang,
      route,
      status,
      contacts === 'full' ? fullContact(volunteer) : maskedContact(volunteer),
    ]),
  );
  return `\uFEFF${csvLine(header)}${lines.join('')}`;
}
