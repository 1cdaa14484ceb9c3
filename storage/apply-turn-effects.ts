// What a committed turn changes outside its participant document, in one place: answers,
// transcripts, continuation codes, workshop contacts and erasure. (Consent, council, language, opting out of
// reminders and being unreachable are fields of the participant document itself, committed
// with the state.) Every effect is idempotent, so a turn whose effects a crash interrupted is
// finished by the next load of the participant, in this process or another.
import type { ContinuationOutcome } from '../dialogs/engine-input.js';
import type { LastTurn, TranscriptEntry } from './documents.js';
import type { ChannelIdentity } from './identity.js';
import type { LoadedParticipant, Storage } from './storage.js';

/**
 * Applies the effects of a committed turn: answers and a new continuation code first, the
 * transcript last (its presence then says the turn is complete).
 */
export async function applyTurnEffects(
  storage: Storage,
  participantId: string,
  consultationId: string,
  turn: LastTurn,
): Promise<void> {
  if (turn.deletion) return eraseParticipant(storage, participantId, consultationId, turn);
  const { at, channel, version } = turn;
  await Promise.all([
    storage.answers.record(participantId, turn.answers, { consultationId, channel, at, version }),
    turn.codeIssued === undefined
      ? undefined
      : storage.codes.issue(turn.codeIssued, participantId, at),
    saveWorkshopContact(storage, participantId, consultationId, turn),
  ]);
  if (turn.inbound === undefined) return;
  const lines: TranscriptEntry[] = [
    turn.inbound,
    ...turn.replies.map((reply): TranscriptEntry => ({
      direction: 'out',
      text: reply.text,
      ...(reply.choices ? { choiceIds: reply.choices.map((c) => c.id) } : {}),
    })),
  ];
  await storage.transcripts.record({ participantId, channel, at, turn: version, lines });
}

/**
 * Finishes the last turn of a participant just loaded if a crash interrupted its effects (one
 * read by `_id`: is its transcript there?). Returns null when that turn erased them: the
 * identity now belongs to someone new.
 */
export async function repairLastTurn(
  storage: Storage,
  loaded: LoadedParticipant,
): Promise<LoadedParticipant | null> {
  const { lastTurn, participantId, state } = loaded;
  if (lastTurn.deletion) {
    await eraseParticipant(storage, participantId, state.consultationId, lastTurn);
    return null;
  }
  const complete =
    lastTurn.inbound === undefined ||
    (await storage.transcripts.has(participantId, lastTurn.version));
  if (!complete) await applyTurnEffects(storage, participantId, state.consultationId, lastTurn);
  return loaded;
}

/**
 * Erases a participant: answers and transcripts (by `_id`), continuation codes, the Web Push
 * subscription, then the participant document and last its identities, so that a crash
 * half-way leaves the erasure to be finished by the next load. Counts the deletion anonymously, once.
 */
export async function eraseParticipant(
  storage: Storage,
  participantId: string,
  consultationId: string,
  turn: Pick<LastTurn, 'version' | 'deletion'>,
): Promise<void> {
  await storage.answers.remove(participantId, turn.deletion?.questionIds ?? []);
  await storage.transcripts.remove(participantId, turn.version);
  await storage.codes.removeFor(participantId);
  await storage.workshopContacts.remove(participantId);
  await storage.pushSubscriptions.remove(participantId);
  if (await storage.participants.remove(participantId)) await storage.deletions.add(consultationId);
}

/** The contact a volunteer for the workshop left in this turn, or its removal. */
async function saveWorkshopContact(
  storage: Storage,
  participantId: string,
  consultationId: string,
  turn: LastTurn,
): Promise<void> {
  const change = turn.workshopContact;
  if (change === undefined) return;
  const { workshopContacts } = storage;
  if (change.action === 'remove') return workshopContacts.remove(participantId);
  // Contact and gender come in turns of their own: each keeps what the other left.
  const before = await workshopContacts.get(participantId);
  const { channel, at } = turn;
  if (change.action === 'set') {
    const { action, ...contact } = change;
    const gender = before?.gender === undefined ? {} : { gender: before.gender };
    return workshopContacts.save({
      participantId,
      consultationId,
      ...contact,
      ...gender,
      channel,
      at,
    });
  }
  const { email, phone } = before ?? {};
  const kept = {
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
  };
  if (change.gender === undefined && Object.keys(kept).length === 0)
    return workshopContacts.remove(participantId);
  await workshopContacts.save({
    participantId,
    consultationId,
    ...kept,
    ...(change.gender === undefined ? {} : { gender: change.gender }),
    channel: before?.channel ?? channel,
    at: before?.at ?? at,
  });
}

/** Uses a typed continuation code: on success the identity now belongs to the code's participant. */
export async function redeemContinuationCode(
  storage: Storage,
  identity: ChannelIdentity,
  code: string,
  now: Date,
): Promise<ContinuationOutcome> {
  const result = await storage.codes.redeem(identity, code, now);
  if (result.kind !== 'valid') return result.kind;
  const { moved } = await storage.participants.attachIdentity(identity, result.participantId, now);
  return moved ? 'moved' : 'linked';
}
