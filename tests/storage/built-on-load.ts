import type {
  ChannelIdentity,
  CommitOutcome,
  ConversationStore,
  StoredSession,
  TurnToCommit,
} from '../../storage/conversation-store.js';

/**
 * A store whose turns carry what `load` returned, as the turn handler passes it: runs the
 * contract through the commit that does not read the loaded version again. The inbound id is
 * left unchecked, so the store still checks it.
 */
export class BuiltOnLoad implements ConversationStore {
  private readonly loaded = new Map<string, string[]>();

  constructor(private readonly inner: ConversationStore) {}

  async load(identity: ChannelIdentity): Promise<StoredSession | null> {
    const stored = await this.inner.load(identity);
    if (stored)
      this.loaded.set(`${stored.participantId}:${stored.version}`, stored.recentInboundIds);
    return stored;
  }

  commitTurn(turn: TurnToCommit): Promise<CommitOutcome> {
    const recent =
      turn.participantId === undefined
        ? undefined
        : this.loaded.get(`${turn.participantId}:${turn.expectedVersion}`);
    return this.inner.commitTurn(
      recent === undefined ? turn : { ...turn, recentInboundIds: recent },
    );
  }

  wasProcessed(inboundId: string): Promise<boolean> {
    return this.inner.wasProcessed(inboundId);
  }

  deleteParticipant(participantId: string): Promise<void> {
    return this.inner.deleteParticipant(participantId);
  }
}
