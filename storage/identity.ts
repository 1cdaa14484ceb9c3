export type Channel = 'telegram' | 'web' | 'console';

/** Who is talking, as a channel knows them: a Telegram chat id, a web user id, a terminal user. */
export interface ChannelIdentity {
  channel: Channel;
  externalId: string;
}

/**
 * The `_id` of an identity in `identities` ("telegram:12345"): the one unique key that maps an
 * identity to its participant. Values only, never a field name.
 */
export function identityKey(identity: ChannelIdentity): string {
  return `${identity.channel}:${identity.externalId}`;
}
