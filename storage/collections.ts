import type { Collection, Db } from 'mongodb';
import type { CouncilDoc, InvitationCodeDoc } from './council-documents.js';
import type {
  AnswerDoc,
  DeletionCountDoc,
  IdentityDoc,
  ParticipantDoc,
  ProcessedInboundDoc,
  SessionDoc,
  TranscriptDoc,
} from './documents.js';

/** Every collection name in one place; `reminders`, `admins` and `audit` are reserved for later. */
export const collectionNames = {
  participants: 'participants',
  identities: 'identities',
  sessions: 'sessions',
  answers: 'answers',
  transcripts: 'transcripts',
  processedInbound: 'processed_inbound',
  deletions: 'deletions',
  councils: 'councils',
  invitationCodes: 'invitation_codes',
  settings: 'settings',
  reminders: 'reminders',
  admins: 'admins',
  audit: 'audit',
} as const;

export interface Collections {
  participants: Collection<ParticipantDoc>;
  identities: Collection<IdentityDoc>;
  sessions: Collection<SessionDoc>;
  answers: Collection<AnswerDoc>;
  transcripts: Collection<TranscriptDoc>;
  processedInbound: Collection<ProcessedInboundDoc>;
  deletions: Collection<DeletionCountDoc>;
  councils: Collection<CouncilDoc>;
  invitationCodes: Collection<InvitationCodeDoc>;
}

/**
 * Typed handles on the collections. `ignoreUndefined` drops optional fields left undefined
 * instead of storing null, which the read schemas would (rightly) refuse.
 */
export function collections(db: Db): Collections {
  const options = { ignoreUndefined: true };
  return {
    participants: db.collection<ParticipantDoc>(collectionNames.participants, options),
    identities: db.collection<IdentityDoc>(collectionNames.identities, options),
    sessions: db.collection<SessionDoc>(collectionNames.sessions, options),
    answers: db.collection<AnswerDoc>(collectionNames.answers, options),
    transcripts: db.collection<TranscriptDoc>(collectionNames.transcripts, options),
    processedInbound: db.collection<ProcessedInboundDoc>(collectionNames.processedInbound, options),
    deletions: db.collection<DeletionCountDoc>(collectionNames.deletions, options),
    councils: db.collection<CouncilDoc>(collectionNames.councils, options),
    invitationCodes: db.collection<InvitationCodeDoc>(collectionNames.invitationCodes, options),
  };
}
