import type { Channel, ChannelIdentity } from '../../storage/identity.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import type { ReminderTransport } from './reminder-transport.js';

/** Channels tried in this order for someone with several identities (a code links them). */
const channelPreference: readonly Channel[] = ['telegram', 'web', 'console'];

export interface ReminderRoute {
  transport: ReminderTransport;
  identity: ChannelIdentity;
}

/** The channel a reminder goes through: the participant's first identity that has a transport. */
export function routeOf(
  participant: Pick<ParticipantSummary, 'identities'>,
  transports: readonly ReminderTransport[],
): ReminderRoute | undefined {
  for (const channel of channelPreference) {
    const transport = transports.find((t) => t.channel === channel);
    const identity = participant.identities.find((i) => i.channel === channel);
    if (transport && identity) return { transport, identity };
  }
  return undefined;
}

/** The channel a planned delivery is paced on: their preferred identity's. */
export function plannedChannel(
  participant: Pick<ParticipantSummary, 'identities'>,
): Channel | undefined {
  return channelPreference.find((c) => participant.identities.some((i) => i.channel === c));
}
