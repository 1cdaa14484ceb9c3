import type { Db } from 'mongodb';
import type { Lang } from '../../dialogs/session-state.js';
import {
  holdInvitation,
  invitationsOf,
  recordInvitation,
  type WorkshopInvitationDoc,
} from '../../storage/workshop-draws.js';
import type { DeliveryResult } from '../reminders/reminder-transport.js';
import type { WebPushTransport } from '../web-push/web-push-transport.js';
import type { InvitationOutcome, InvitationTransport } from './invitation-transport.js';
import { routeOf, type VolunteerRecord } from './list-volunteers.js';

export type InvitationStatus = WorkshopInvitationDoc['status'];

export interface InvitationReport {
  sent: number;
  /** Kept for their next visit (the web without push, or the push service lost them). */
  held: number;
  /** Already invited by an earlier run (sent, held, shown, unreachable, uncertain): not again. */
  alreadyInvited: number;
  unreachable: number;
  /** The push service may have taken it: recorded, never sent again. */
  uncertain: number;
  /** Tried again by the next run. */
  failed: number;
  /** No transport here for their channel (Telegram without a token): to send by hand. */
  manual: VolunteerRecord[];
  /** Every drawn volunteer and what became of their invitation (the organisers' list). */
  outcomes: { volunteer: VolunteerRecord; route: Route; status: InvitationStatus }[];
}

type Route = ReturnType<typeof routeOf>;

/** The invitation in a volunteer's language: the message, and a notification's title. */
export interface InvitationText {
  message(lang: Lang): string;
  title(lang: Lang): string;
}

/**
 * Invites the drawn volunteers of a draw through their channel, once each: Telegram; Web Push
 * for a browser that accepted notifications; for anyone else on the web, the invitation is
 * held and said at their next visit (bot/handle-turn.ts records it `shown`). There is no
 * e-mail or SMS service: those who left an address or a number are in `outcomes` with their
 * route, for the organisers to write to them. An invitation recorded as sent, held, shown,
 * refused or uncertain is never sent again, so the command can be run again after an
 * interruption; a failed one is tried again.
 *
 * @example await sendInvitations({ db, drawId, recipients, transports: { telegram }, text })
 */
export async function sendInvitations(input: {
  db: Db;
  drawId: string;
  recipients: readonly VolunteerRecord[];
  transports: {
    telegram?: InvitationTransport | undefined;
    webPush?: WebPushTransport | undefined;
  };
  text: InvitationText;
  now?: () => Date;
  /** Counts and lists without sending or recording anything. */
  dryRun?: boolean;
}): Promise<InvitationReport> {
  const { db, drawId, transports, text } = input;
  const now = input.now ?? (() => new Date());
  const before = await invitationsOf(db, drawId);
  const report: InvitationReport = {
    sent: 0,
    held: 0,
    alreadyInvited: 0,
    unreachable: 0,
    uncertain: 0,
    failed: 0,
    manual: [],
    outcomes: [],
  };
  for (const volunteer of input.recipients) {
    const route = routeOf(volunteer);
    const previous = before.get(volunteer.participantId);
    if (previous !== undefined && final.has(previous.status)) {
      report.alreadyInvited += 1;
      report.outcomes.push({ volunteer, route, status: previous.status });
      continue;
    }
    const outcome = input.dryRun
      ? planned(volunteer, route, transports)
      : await invite(db, drawId, volunteer, route, transports, text, now());
    if (!input.dryRun) await record(db, drawId, volunteer, route, outcome, now());
    report.outcomes.push({ volunteer, route, status: outcome.status });
    if (outcome.status === 'manual') report.manual.push(volunteer);
    else if (outcome.status === 'sent') report.sent += 1;
    else if (outcome.status === 'held') report.held += 1;
    else if (outcome.status === 'unreachable') report.unreachable += 1;
    else if (outcome.status === 'uncertain') report.uncertain += 1;
    else if (outcome.status === 'failed') report.failed += 1;
  }
  return report;
}

/** Statuses that end an invitation: the next run leaves it alone. */
const final = new Set<InvitationStatus>(['sent', 'held', 'shown', 'unreachable', 'uncertain']);

interface Outcome {
  status: InvitationStatus;
  error?: string | undefined;
}

async function invite(
  db: Db,
  drawId: string,
  volunteer: VolunteerRecord,
  route: Route,
  transports: {
    telegram?: InvitationTransport | undefined;
    webPush?: WebPushTransport | undefined;
  },
  text: InvitationText,
  at: Date,
): Promise<Outcome> {
  const message = text.message(volunteer.lang);
  if (route === 'telegram') {
    if (!transports.telegram || volunteer.telegramChatId === null) return { status: 'manual' };
    return fromTelegram(await transports.telegram.send(volunteer.telegramChatId, message));
  }
  if (route === 'web_push' && transports.webPush) {
    const result = await transports.webPush.push(
      volunteer,
      {
        v: 1,
        title: text.title(volunteer.lang),
        body: message,
        lang: volunteer.lang,
        tag: 'concerto-invitation',
        actions: [],
      },
      'invitation',
    );
    if (result.kind !== 'no_route') return fromPush(result);
  }
  // Nothing can notify them now: said at their next visit, whatever channel they come back on.
  const held = await holdInvitation(db, {
    drawId,
    participantId: volunteer.participantId,
    text: message,
    at,
  });
  return held ? { status: 'held' } : { status: 'failed', error: 'participant not found' };
}

/** What a dry run would do, without asking any service. */
function planned(
  volunteer: VolunteerRecord,
  route: Route,
  transports: {
    telegram?: InvitationTransport | undefined;
    webPush?: WebPushTransport | undefined;
  },
): Outcome {
  if (route === 'telegram') return { status: transports.telegram ? 'sent' : 'manual' };
  if (route === 'web_push' && transports.webPush) return { status: 'sent' };
  return volunteer.identities.length > 0 ? { status: 'held' } : { status: 'manual' };
}

function fromTelegram(outcome: InvitationOutcome): Outcome {
  return outcome.status === 'failed' ? { status: 'failed', error: outcome.error } : outcome;
}

function fromPush(result: Exclude<DeliveryResult, { kind: 'no_route' }>): Outcome {
  switch (result.kind) {
    case 'sent':
      return { status: 'sent' };
    case 'unreachable':
      return { status: 'unreachable', error: result.reason };
    case 'uncertain':
      return { status: 'uncertain', error: result.reason };
    case 'retry':
    case 'failed':
      return { status: 'failed', error: result.reason };
  }
}

async function record(
  db: Db,
  drawId: string,
  volunteer: VolunteerRecord,
  route: WorkshopInvitationDoc['route'],
  outcome: Outcome,
  at: Date,
): Promise<void> {
  await recordInvitation(db, {
    drawId,
    participantId: volunteer.participantId,
    route,
    status: outcome.status,
    at,
    ...(outcome.error === undefined ? {} : { error: outcome.error.slice(0, 300) }),
  });
}
