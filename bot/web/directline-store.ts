// What the web channel needs to keep of Direct Line: conversations and their activities.
// The runtime injects storage/directline-repository.ts; nothing here knows the database.

/** A Direct Line conversation: one web user, one growing list of activities. */
export interface DirectLineConversation {
  _id: string;
  userId: string;
  /** The last activity sequence number handed out (activities are numbered from 1). */
  seq: number;
  createdAt: Date;
  lastActivityAt: Date;
}

/** An activity as sent to clients (JSON). */
export type ActivityJson = Record<string, unknown>;

export interface StoredActivity {
  /** `<conversation>|0000001`: also the activity's id for clients. */
  _id: string;
  conversationId: string;
  seq: number;
  /** For the person's own activities: the page's id for it, so a retried send is not doubled. */
  clientActivityId?: string | undefined;
  /** Set once the bot's replies to this (user) activity are stored. */
  processed?: boolean | undefined;
  activity: ActivityJson;
  at: Date;
}

export interface DirectLineStore {
  /** A conversation with a fresh, unguessable id and user id. */
  createConversation(now: Date): Promise<DirectLineConversation>;
  findConversation(id: string): Promise<DirectLineConversation | null>;
  /** Appends activities in order and returns them as stored (ids, sequence numbers). */
  append(
    conversationId: string,
    items: { activity: ActivityJson; clientActivityId?: string | undefined }[],
    now: Date,
  ): Promise<StoredActivity[]>;
  /** Activities after the watermark (a sequence number; 0 means from the start). */
  listAfter(conversationId: string, watermark: number, limit?: number): Promise<StoredActivity[]>;
  findByClientId(conversationId: string, clientActivityId: string): Promise<StoredActivity | null>;
  /** Forgets what was said (the person deleted their data); the conversation stays usable. */
  deleteActivities(conversationId: string): Promise<void>;
  markProcessed(activityId: string): Promise<void>;
  /** A setting generated once and shared by every process (the first writer wins). */
  getOrCreateSetting(key: string, create: () => string, now: Date): Promise<string>;
}
