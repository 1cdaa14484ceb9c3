import type { HandledTurn } from '../handle-turn.js';
import type { ChannelContext } from '../serve-command.js';

/** What became of a turn's messages: sent by an earlier delivery of its update, or now. */
export interface SentMessages {
  /** Message `index` (from 0) reached the person on an earlier delivery: not sent again. */
  has(index: number): boolean;
  /** Records that message `index` reached the person; a failure is logged, not thrown. */
  record(index: number): Promise<void>;
}

/**
 * Each message Telegram accepts is recorded (`telegram_sent`) before the next one goes, so an
 * update delivered again after a crash (its turn committed, its 200 not given) sends only the
 * messages not recorded: what goes twice is at most the one message per chat that Telegram
 * accepted just before the crash, its record not yet written. The records are read only for
 * an update seen before; when they cannot be read, every message goes again (twice rather than
 * never).
 */
export async function sentMessagesOf(
  context: Pick<ChannelContext, 'telegramSent' | 'log'>,
  inboundId: string,
  turn: Pick<HandledTurn, 'duplicate'>,
  count: number,
): Promise<SentMessages> {
  const { telegramSent, log } = context;
  let before = new Set<number>();
  if (turn.duplicate && count > 0) {
    before = await telegramSent.sent(inboundId, count).catch((error: unknown) => {
      log.warn({ err: error, inboundId }, 'telegram: could not read what was sent; sending all');
      return new Set<number>();
    });
    log.info(
      { inboundId, messages: count, alreadySent: before.size },
      'telegram: update delivered again; sending what had not gone',
    );
  }
  return {
    has: (index) => before.has(index),
    record: async (index) => {
      await telegramSent
        .record(inboundId, index, new Date())
        .catch((error: unknown) =>
          log.warn({ err: error, inboundId }, 'telegram: could not record a message as sent'),
        );
    },
  };
}
