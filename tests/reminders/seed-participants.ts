// Participants written straight into the database, as turns would have left them (thousands in
// a second, where conversations would take minutes). Each document passes the stored schemas.
import type { Db } from 'mongodb';
import type { Lang, SessionState } from '../../dialogs/session-state.js';
import { collections } from '../../storage/collections.js';
import { participantDocSchema, type ParticipantDoc } from '../../storage/documents.js';
import { identityKey } from '../../storage/identity.js';

export interface SeedOptions {
  /** Telegram chat ids (identities `telegram:<id>`) or web user ids. */
  chatId: number;
  channel?: 'telegram' | 'web' | 'console';
  councilId?: string;
  lang?: Lang;
  status?: 'not_started' | 'in_progress' | 'completed' | 'consent_pending';
  /** Themes completed (in progress): `themesLeft` is 6 minus these. */
  themesDone?: number;
  remindersOff?: boolean;
  unreachable?: boolean;
  reminders?: ParticipantDoc['reminders'];
}

const themes = ['education', 'emploi', 'formation', 'mobilite', 'parentalite', 'culture'];
const firstQuestions = [
  'edu_marche',
  'emp_frein',
  'for_marche',
  'mob_marche',
  'par_marche',
  'cul_marche',
];

/** The participant id of a seeded chat: `p<chatId>`. */
export function seededId(chatId: number): string {
  return `p${chatId}`;
}

/** A participant document consistent with its engine state. */
export function seededParticipant(options: SeedOptions, at = new Date()): ParticipantDoc {
  const status = options.status ?? 'in_progress';
  const done =
    status === 'in_progress' ? (options.themesDone ?? 0) : status === 'completed' ? 6 : 0;
  const lang = options.lang ?? 'fr';
  const answered = status === 'in_progress' || status === 'completed';
  const state: SessionState = {
    v: 1,
    lang,
    consultationId: 'cc2017',
    stage: status === 'consent_pending' ? 'consent' : status === 'completed' ? 'done' : 'questions',
    ...(status === 'consent_pending' || status === 'completed'
      ? {}
      : { current: firstQuestions[done] ?? 'edu_marche' }),
    answers: answered ? { role: { kind: 'choice', choiceId: 'tire' } } : {},
    failures: 0,
    ...(options.councilId ? { councilId: options.councilId } : {}),
    consented: status !== 'consent_pending',
    remindersOff: options.remindersOff ?? false,
    completedThemes: themes.slice(0, done),
    completed: status === 'completed',
    editing: false,
    greeted: true,
    councilAsked: true,
    ...(options.unreachable ? { unreachable: true } : {}),
  };
  const channel = options.channel ?? 'telegram';
  return participantDocSchema.parse({
    _id: seededId(options.chatId),
    version: 1,
    identities: [{ channel, externalId: String(options.chatId) }],
    consultationId: 'cc2017',
    ...(options.councilId ? { councilId: options.councilId } : {}),
    ...(answered ? { role: 'tire' } : {}),
    lang,
    ...(status === 'consent_pending' ? {} : { consent: { at, textVersion: '2017-11-22' } }),
    status,
    progress: {
      answered: answered ? 1 : 0,
      themesCompleted: themes.slice(0, done),
      themesLeft: 6 - done,
    },
    remindersOff: options.remindersOff ?? false,
    unreachable: options.unreachable ?? false,
    reminders: options.reminders ?? { received: 0 },
    state,
    recentInboundIds: [],
    lastTurn: { version: 1, at, channel, replies: [], answers: [] },
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
  });
}

/** Inserts participants and their identities, 1,000 at a time. */
export async function seedParticipants(db: Db, seeds: readonly SeedOptions[]): Promise<void> {
  const c = collections(db);
  const at = new Date();
  for (let i = 0; i < seeds.length; i += 1000) {
    const docs = seeds.slice(i, i + 1000).map((seed) => seededParticipant(seed, at));
    await c.participants.insertMany(docs);
    await c.identities.insertMany(
      docs.flatMap((doc) =>
        doc.identities.map((identity) => ({
          _id: identityKey(identity),
          ...identity,
          participantId: doc._id,
          createdAt: at,
        })),
      ),
    );
  }
}
