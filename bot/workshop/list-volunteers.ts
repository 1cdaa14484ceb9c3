import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import { workshopPseudonym } from '../exports/participant-pseudonym.js';
import type { Storage } from '../../storage/storage.js';
import type { StoredWorkshopContact } from '../../storage/workshop-contacts.js';
import { identityKey, type ChannelIdentity } from '../../storage/identity.js';

/** A volunteer for the workshop, with what the draw balances and how to invite them. */
export interface VolunteerRecord {
  participantId: string;
  /** The workshop pseudonym (not the exports'): what the published list shows. */
  key: string;
  councilId: string | null;
  lang: Lang;
  /** Their answers to the profile questions (`role`…), by question id. */
  profile: Record<string, string | null>;
  /** Their Telegram chat, when they use Telegram and have not blocked the bot. */
  telegramChatId: string | null;
  /** Their identities (whose browser a Web Push subscription must belong to). */
  identities: ChannelIdentity[];
  /** Their browser accepted notifications (a Web Push subscription of one of their identities). */
  pushSubscribed: boolean;
  contact: StoredWorkshopContact | null;
}

/**
 * Everyone who answered « yes » to the consultation's volunteer question and still exists
 * (an erased participant has no answers left), by participant id.
 *
 * @example const pool = await listVolunteers(runtime, { secret })
 */
export async function listVolunteers(
  source: { storage: Storage; consultation: Consultation },
  options: { secret: string },
): Promise<VolunteerRecord[]> {
  const { storage, consultation } = source;
  const question = consultation.workshop?.volunteerQuestion;
  if (question === undefined)
    throw new Error(
      `the consultation "${consultation.id}" names no volunteer question (workshop.volunteerQuestion)`,
    );
  const profileIds = new Set(consultation.profile.map((q) => q.id));
  const yes = new Set<string>();
  const profiles = new Map<string, Record<string, string | null>>();
  for await (const answer of storage.answers.stream({ consultationId: consultation.id })) {
    const { participantId, questionId, value } = answer;
    if (questionId === question && value.kind === 'yesno' && value.value) yes.add(participantId);
    if (profileIds.has(questionId) && value.kind === 'choice') {
      const profile = profiles.get(participantId) ?? {};
      profile[questionId] = value.choiceId;
      profiles.set(participantId, profile);
    }
  }
  const contacts = new Map<string, StoredWorkshopContact>();
  for await (const contact of storage.workshopContacts.list(consultation.id))
    contacts.set(contact.participantId, contact);
  const volunteers: VolunteerRecord[] = [];
  for await (const p of storage.participants.list({ consultationId: consultation.id })) {
    if (!yes.has(p.participantId) || p.status === 'consent_pending') continue;
    const telegram = p.identities.find((identity) => identity.channel === 'telegram');
    const subscription = p.identities.some((identity) => identity.channel === 'web')
      ? await storage.pushSubscriptions.get(p.participantId)
      : null;
    volunteers.push({
      participantId: p.participantId,
      key: workshopPseudonym(p.participantId, options.secret),
      councilId: p.councilId ?? null,
      lang: p.lang,
      profile: { role: p.role ?? null, ...profiles.get(p.participantId) },
      telegramChatId: telegram && !p.unreachable ? telegram.externalId : null,
      identities: p.identities,
      pushSubscribed:
        subscription !== null &&
        p.identities.some((identity) => identityKey(identity) === subscription.identity),
      contact: contacts.get(p.participantId) ?? null,
    });
  }
  return volunteers.sort((a, b) => (a.participantId < b.participantId ? -1 : 1));
}

/**
 * How an invitation can reach a volunteer, best first: their Telegram chat, a notification in
 * the browser they accepted them in, then the contact they left (written to by the organisers).
 */
export function routeOf(
  volunteer: Pick<VolunteerRecord, 'telegramChatId' | 'pushSubscribed' | 'contact'>,
): 'telegram' | 'web_push' | 'email' | 'sms' | 'none' {
  if (volunteer.telegramChatId !== null) return 'telegram';
  if (volunteer.pushSubscribed) return 'web_push';
  if (volunteer.contact?.email !== undefined) return 'email';
  if (volunteer.contact?.phone !== undefined) return 'sms';
  return 'none';
}

/**
 * The value of a balance criterion for a volunteer: `council`, `gender` (what they said for
 * the workshop, kept with the contact; not said: null, a group of its own), or a profile
 * question id.
 */
export function criterionValue(volunteer: VolunteerRecord, criterion: string): string | null {
  if (criterion === 'council') return volunteer.councilId;
  if (criterion === 'gender') return volunteer.contact?.gender ?? null;
  return volunteer.profile[criterion] ?? null;
}
