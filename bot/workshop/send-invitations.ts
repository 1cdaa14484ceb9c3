import type { Db } from 'mongodb';
import type { Lang } from '../../dialogs/session-state.js';
import {
  invitationsOf,
  recordInvitation,
  type WorkshopInvitationDoc,
} from '../../storage/workshop-draws.js';
import type { InvitationTransport } from './invitation-transport.js';
import { routeOf, type VolunteerRecord } from './list-volunteers.js';

export interface InvitationReport {
  sent: number;
  /** Already invited by an earlier run: not sent again. */
  alreadySent: number;
  unreachable: number;
  failed: number;
  /** No transport for their route here (e-mail, SMS) or no route at all: to send by hand. */
  manual: VolunteerRecord[];
}

/**
 * Invites the drawn volunteers of a draw through their channel, once each: an invitation
 * recorded as sent (or refused by the channel) is never sent again, so the command can be
 * run again after an interruption. Routes without a transport are recorded `manual` and
 * returned, for someone to write to them.
 *
 * @example await sendInvitations({ db, drawId, recipients, transports: [telegram], message: (lang) => text[lang] })
 */
export async function sendInvitations(input: {
  db: Db;
  drawId: string;
  recipients: readonly VolunteerRecord[];
  transports: readonly InvitationTransport[];
  message: (lang: Lang) => string;
  now?: () => Date;
  /** Counts and lists without sending or recording anything. */
  dryRun?: boolean;
}): Promise<InvitationReport> {
  const { db, drawId } = input;
  const now = input.now ?? (() => new Date());
  const before = await invitationsOf(db, drawId);
  const report: InvitationReport = {
    sent: 0,
    alreadySent: 0,
    unreachable: 0,
    failed: 0,
    manual: [],
  };
  for (const volunteer of input.recipients) {
    const previous = before.get(volunteer.participantId);
    if (previous?.status === 'sent' || previous?.status === 'unreachable') {
      report.alreadySent += 1;
      continue;
    }
    const route = routeOf(volunteer);
    const transport = input.transports.find((t) => t.route === route);
    const to =
      route === 'telegram'
        ? volunteer.telegramChatId
        : route === 'email'
          ? (volunteer.contact?.email ?? null)
          : route === 'sms'
            ? (volunteer.contact?.phone ?? null)
            : null;
    if (route === 'none' || !transport || to === null) {
      report.manual.push(volunteer);
      if (!input.dryRun) await record(db, drawId, volunteer, route, { status: 'manual' }, now());
      continue;
    }
    if (input.dryRun) {
      report.sent += 1;
      continue;
    }
    const outcome = await transport.send(to, input.message(volunteer.lang));
    await record(db, drawId, volunteer, route, outcome, now());
    if (outcome.status === 'sent') report.sent += 1;
    else if (outcome.status === 'unreachable') report.unreachable += 1;
    else report.failed += 1;
  }
  return report;
}

async function record(
  db: Db,
  drawId: string,
  volunteer: VolunteerRecord,
  route: WorkshopInvitationDoc['route'],
  outcome: { status: WorkshopInvitationDoc['status']; error?: string },
  at: Date,
): Promise<void> {
  await recordInvitation(db, {
    drawId,
    participantId: volunteer.participantId,
    route,
    status: outcome.status,
    at,
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  });
}
