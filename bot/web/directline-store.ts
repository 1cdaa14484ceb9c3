// What the web channel keeps of Direct Line: conversations, their activities, the client ids of
// the person's activities. The runtime injects storage/directline-repository.ts; nothing here
// knows the database. Every read and write is by `_id` (an equality or an `$in`), the only
// lookups FerretDB v1 answers from an index: activity `_id`s are `<conversation>|<seq>` and a
// client id's record is `<conversation>|<clientActivityId>`.

/** Who started a conversation: the chat page's session endpoint, or a Direct Line client. */
export type ConversationOrigin = 'page' | 'directline';

/** A Direct Line conversation: one web user, one growing, numbered list of activities. */
export interface DirectLineConversation {
  _id: string;
  /**
   * The user its tokens are bound to (`dl_…`, Direct Line's `user` claim): activities are
   * rewritten to it. Absent: a conversation started with the secret, where `from.id` stands.
   */
  userId?: string | undefined;
  userName?: string | undefined;
  origin: ConversationOrigin;
  /** The last activity number visible to readers (activities are numbered from 1). */
  seq: number;
  /** The generation of the conversation's current token: older tokens are refused. */
  tokenGeneration: number;
  /** Whether its participant had consented after the last turn (what is kept depends on it). */
  consented: boolean;
  /** The client id of the person's activity whose replies were written last (a retry of it is done). */
  lastClientActivityId?: string | undefined;
  /** Numbers of the person's activities written before consent (removed on refusal). */
  preConsent: number[];
  /** After an erasure: only the farewell is left, until `expiresAt`. */
  endedAt?: Date | undefined;
  expiresAt?: Date | undefined;
  createdAt: Date;
  lastActivityAt: Date;
}

/** An activity as sent to clients (JSON). */
export type ActivityJson = Record<string, unknown>;

export interface NewActivity {
  activity: ActivityJson;
  /**
   * What the activity is, for a retry to find it: `c:<clientActivityId>` for the person's
   * activity, `r:<clientActivityId>:<n>` for the n-th reply to it.
   */
  key?: string | undefined;
  /** When it is gone (default: the retention of the web chat copy, 90 days). */
  expiresAt?: Date | undefined;
}

export interface StoredActivity {
  /** `<conversation>|0000001`: also the activity's id for clients. */
  _id: string;
  conversationId: string;
  seq: number;
  key?: string | undefined;
  activity: ActivityJson;
  at: Date;
  expiresAt?: Date | undefined;
}

/** The record of a client activity id (`<conversation>|<clientActivityId>`). */
export interface ClientActivityRecord {
  _id: string;
  conversationId: string;
  /** The conversation's seq when it was claimed: the activity and its replies come after. */
  after: number;
  /** Set by the migration for activities whose replies were stored before it. */
  done?: boolean | undefined;
  at: Date;
  expiresAt: Date;
}

export interface DirectLineStore {
  /**
   * A conversation with a fresh, unguessable id, bound to `user`: given, or a fresh `dl_` id
   * when undefined; null leaves it unbound (the secret's conversations).
   */
  createConversation(
    options: {
      origin: ConversationOrigin;
      user?: { id: string; name?: string | undefined } | null;
    },
    now: Date,
  ): Promise<DirectLineConversation>;
  /** The conversation, or null (unknown, or ended and its farewell expired). */
  findConversation(id: string, now?: Date): Promise<DirectLineConversation | null>;
  /** The `seq` of each of these conversations that exists (one `$in` per 500). */
  conversationSeqs(ids: readonly string[]): Promise<Map<string, number>>;
  /** The activities numbered `after + 1` to `upTo` (at most 500) that are still there, in order. */
  activitiesBetween(
    conversationId: string,
    after: number,
    upTo: number,
    now: Date,
  ): Promise<StoredActivity[]>;
  /**
   * Writes activities numbered from `from` on, in order, skipping numbers another writer took.
   * Readers see them once `advance` moves the conversation's seq past them.
   */
  insertFrom(
    conversationId: string,
    from: number,
    items: readonly NewActivity[],
    now: Date,
  ): Promise<StoredActivity[]>;
  /** Moves the conversation's seq to `seq` unless it is already there or past, and sets fields. */
  advance(
    conversationId: string,
    seq: number,
    now: Date,
    update?: Partial<
      Pick<DirectLineConversation, 'lastClientActivityId' | 'consented' | 'preConsent'>
    >,
  ): Promise<void>;
  /** insertFrom after the conversation's last activity, then advance. */
  append(
    conversationId: string,
    items: readonly NewActivity[],
    now: Date,
  ): Promise<StoredActivity[]>;
  /**
   * Activities a writer wrote past the conversation's seq before it died: makes them visible
   * and returns the seq (one `$in` over the next numbers).
   */
  repairLag(conversation: DirectLineConversation, now: Date): Promise<number>;
  /** Claims a client activity id; `claimed` holds the earlier record when it was claimed before (a retry). */
  claimClientActivity(
    record: Omit<ClientActivityRecord, '_id' | 'done'> & { clientActivityId: string },
  ): Promise<{ fresh: true } | { fresh: false; claimed: ClientActivityRecord }>;
  /** Forgets these activities of the conversation and the client ids of the person's ones. */
  deleteActivities(conversationId: string, seqs: readonly number[]): Promise<void>;
  /**
   * After an erasure: every activity and client id goes, then the conversation document is
   * reduced to its id, seq and token generation and ends; the farewell (the confirmation)
   * is its only activity, and all of it is gone at `until`. Returns its last seq.
   */
  endConversation(
    conversation: DirectLineConversation,
    farewell: readonly NewActivity[],
    until: Date,
    now: Date,
  ): Promise<number>;
  /** Moves the token generation from `from` to `from + 1`; false when another issuance came first. */
  nextTokenGeneration(conversationId: string, from: number): Promise<boolean>;
  /** A setting generated once and shared by every process (the first writer wins). */
  getOrCreateSetting(key: string, create: () => string, now: Date): Promise<string>;
}
