import type { Collection, Db } from 'mongodb';
import type { StoredParticipantDoc } from './last-turn-text.js';
import type { CouncilDoc, InvitationCodeDoc } from './council-documents.js';
import type {
  AnswerDoc,
  AttemptDoc,
  CodeDoc,
  DeletionCountDoc,
  IdentityDoc,
  MigrationDoc,
  TelegramSentDoc,
  TranscriptDoc,
} from './documents.js';

/** Every collection name in one place. */
export const collectionNames = {
  participants: 'participants',
  identities: 'identities',
  answers: 'answers',
  transcripts: 'transcripts',
  continuationCodes: 'continuation_codes',
  continuationAttempts: 'continuation_attempts',
  deletions: 'deletions',
  migrations: 'migrations',
  councils: 'councils',
  invitationCodes: 'invitation_codes',
  coordinators: 'coordinators',
  /** Retired: coordinators' requests before reminders were sent (now `reminder_waves`). */
  reminderWaves: 'reminder_waves',
  reminderDeliveries: 'reminder_deliveries',
  sendBudget: 'send_budget',
  settings: 'settings',
  dlConversations: 'dl_conversations',
  dlActivities: 'dl_activities',
  dlClientIds: 'dl_client_ids',
  dlSettings: 'dl_settings',
  pushSubscriptions: 'push_subscriptions',
  /** Admin API credentials (storage/credentials.ts). */
  credentials: 'credentials',
  /** Exports and credential changes (storage/audit-log.ts). */
  audit: 'audit',
  workshopContacts: 'workshop_contacts',
  workshopDraws: 'workshop_draws',
  workshopInvitations: 'workshop_invitations',
  /** Scheduled jobs run once per interval across processes (storage/claim-job.ts). */
  jobs: 'jobs',
  /** Signed-in sessions of the admin page (storage/admin-sessions.ts). */
  adminSessions: 'admin_sessions',
  /** Telegram messages that reached the person, by update (storage/mongo-telegram-sent.ts). */
  telegramSent: 'telegram_sent',
} as const;

/** Collections of the store before 2026-12-01, read only by the migration (then dropped). */
export const retiredCollectionNames = {
  sessions: 'sessions',
  processedInbound: 'processed_inbound',
} as const;

export interface Collections {
  participants: Collection<StoredParticipantDoc>;
  identities: Collection<IdentityDoc>;
  answers: Collection<AnswerDoc>;
  transcripts: Collection<TranscriptDoc>;
  continuationCodes: Collection<CodeDoc>;
  continuationAttempts: Collection<AttemptDoc>;
  deletions: Collection<DeletionCountDoc>;
  migrations: Collection<MigrationDoc>;
  councils: Collection<CouncilDoc>;
  invitationCodes: Collection<InvitationCodeDoc>;
  telegramSent: Collection<TelegramSentDoc>;
}

/**
 * Typed handles on the collections. `ignoreUndefined` drops optional fields left undefined
 * instead of storing null, which the read schemas would (rightly) refuse.
 */
export function collections(db: Db): Collections {
  const options = { ignoreUndefined: true };
  const n = collectionNames;
  return {
    participants: db.collection<StoredParticipantDoc>(n.participants, options),
    identities: db.collection<IdentityDoc>(n.identities, options),
    answers: db.collection<AnswerDoc>(n.answers, options),
    transcripts: db.collection<TranscriptDoc>(n.transcripts, options),
    continuationCodes: db.collection<CodeDoc>(n.continuationCodes, options),
    continuationAttempts: db.collection<AttemptDoc>(n.continuationAttempts, options),
    deletions: db.collection<DeletionCountDoc>(n.deletions, options),
    migrations: db.collection<MigrationDoc>(n.migrations, options),
    councils: db.collection<CouncilDoc>(n.councils, options),
    invitationCodes: db.collection<InvitationCodeDoc>(n.invitationCodes, options),
    telegramSent: db.collection<TelegramSentDoc>(n.telegramSent, options),
  };
}
