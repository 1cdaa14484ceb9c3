import type { Lang } from '../../dialogs/session-state.js';
import { translator } from '../../dialogs/translate.js';
import { drawIdOf, findDraw, type WorkshopDrawDoc } from '../../storage/workshop-draws.js';
import { exportPseudonymSecret } from '../exports/participant-pseudonym.js';
import type { Runtime } from '../start-runtime.js';
import { webPushTransportFor, type WebPushTransport } from '../web-push/web-push-transport.js';
import { telegramInvitationTransport, type InvitationTransport } from './invitation-transport.js';
import { listVolunteers } from './list-volunteers.js';
import { sendInvitations, type InvitationReport } from './send-invitations.js';

/** What organisers write into the invitation: date, place, how to confirm (per language). */
export interface InvitationDetails {
  fr: string;
  en?: string | undefined;
}

/** A push service takes about 4 KB: the details stay well below. */
export const invitationDetailsMax = 1000;

export interface DrawInvitations {
  draw: WorkshopDrawDoc;
  report: InvitationReport;
  /** Drawn volunteers who no longer exist (erased since). */
  gone: number;
  /** The transports this process had. */
  telegram: boolean;
  webPush: boolean;
}

/**
 * Sends the invitations of a recorded draw (bot/workshop/send-invitations.ts) with the
 * transports the configuration gives: Telegram when TELEGRAM_BOT_TOKEN is set, Web Push with
 * the server's VAPID keys. For the command line and the admin page alike; null when no draw
 * has this seed.
 *
 * @example await inviteDraw(runtime, { seed: 'loto 2017-12-06', details: { fr: 'Samedi 16 décembre…' } })
 */
export async function inviteDraw(
  runtime: Pick<Runtime, 'config' | 'db' | 'storage' | 'consultation' | 'catalog' | 'log'>,
  options: {
    seed: string;
    details: InvitationDetails;
    dryRun?: boolean | undefined;
    /** Tests give their own (a push service with its own certificate authority). */
    webPush?: WebPushTransport | undefined;
    telegram?: InvitationTransport | undefined;
  },
): Promise<DrawInvitations | null> {
  const { config, db, consultation } = runtime;
  const draw = await findDraw(db, consultation.id, options.seed);
  if (draw === null) return null;
  const secret = await exportPseudonymSecret(config, db);
  const volunteers = new Map(
    (await listVolunteers(runtime, { secret })).map((v) => [v.participantId, v]),
  );
  const recipients = draw.drawn.flatMap((d) => volunteers.get(d.participantId) ?? []);
  const telegram =
    options.telegram ??
    (config.TELEGRAM_BOT_TOKEN
      ? telegramInvitationTransport({
          token: config.TELEGRAM_BOT_TOKEN,
          apiRoot: config.TELEGRAM_API_ROOT,
        })
      : undefined);
  const webPush = options.webPush ?? (await webPushTransportFor(runtime));
  const t = (lang: Lang) => translator(runtime.catalog, lang);
  const details = (lang: Lang) => (lang === 'en' && options.details.en) || options.details.fr;
  const report = await sendInvitations({
    db,
    drawId: drawIdOf(consultation.id, options.seed),
    recipients,
    transports: { telegram, webPush },
    text: {
      message: (lang) => t(lang)('workshop.invitation', { details: details(lang) }),
      title: (lang) => t(lang)('workshop.invitation_title'),
    },
    dryRun: options.dryRun,
  });
  return {
    draw,
    report,
    gone: draw.drawn.length - recipients.length,
    telegram: telegram !== undefined,
    webPush: true,
  };
}
