import { randomUUID } from 'node:crypto';
import type { SessionState } from '../dialogs/session-state.js';
import type { AnswerDoc, CodeDoc, ParticipantDoc, TranscriptDoc } from './documents.js';
import { codeExpiry, maxWrongTries, wrongTriesWindowMinutes } from './continuation-codes.js';
import { recentInboundLimit } from './documents.js';
import { sentId, telegramSentDays } from './mongo-telegram-sent.js';
import { previousValue } from './previous-value.js';
import { memoryPushSubscriptions } from './push-subscriptions.js';
import { identityKey, type ChannelIdentity } from './identity.js';
import { checkForWrite } from './storage-error.js';
import { storedStateSchema } from './stored-state.js';
import { workshopContactDocSchema, type StoredWorkshopContact } from './workshop-contacts.js';
import type {
  CommitOutcome,
  LoadedParticipant,
  ParticipantFilter,
  ParticipantSummary,
  Storage,
  StoredAnswer,
} from './storage.js';

/**
 * The whole storage in memory, with the semantics of mongo-storage.ts (same contract suite):
 * for engine-level and handler tests that need no database. Documents are copied in and out,
 * so a caller never shares an object with the store.
 */
export function memoryStorage(options: { newParticipantId?: () => string } = {}): Storage & {
  /** Everything stored, for tests to inspect. */
  readonly data: MemoryData;
} {
  const newId = options.newParticipantId ?? randomUUID;
  const data: MemoryData = {
    participants: new Map(),
    identities: new Map(),
    answers: new Map(),
    transcripts: new Map(),
    codes: new Map(),
    attempts: [],
    deletions: new Map(),
    workshopContacts: new Map(),
    telegramSent: new Map(),
  };
  const copy = structuredClone;

  const loadedOf = (doc: MemoryParticipant): LoadedParticipant =>
    copy({
      participantId: doc._id,
      version: doc.version,
      state: doc.state,
      recentInboundIds: doc.recentInboundIds,
      lastTurn: doc.lastTurn,
      ...(doc.reminders.waiting ? { reminderWaiting: doc.reminders.waiting.deliveryId } : {}),
      ...(doc.workshopInvitation
        ? {
            invitationWaiting: {
              drawId: doc.workshopInvitation.drawId,
              text: doc.workshopInvitation.text,
            },
          }
        : {}),
    });
  const summaryOf = (doc: MemoryParticipant): ParticipantSummary => {
    const { _id, state, recentInboundIds, lastTurn, ...rest } = copy(doc);
    return { participantId: _id, ...rest };
  };
  const matches = (doc: MemoryParticipant, filter: ParticipantFilter): boolean =>
    (filter.consultationId === undefined || doc.consultationId === filter.consultationId) &&
    (filter.councilIds === undefined ||
      (doc.councilId !== undefined && filter.councilIds.includes(doc.councilId))) &&
    (filter.statuses === undefined || filter.statuses.includes(doc.status)) &&
    (filter.remindable !== true || (!doc.unreachable && !doc.remindersOff));
  const refusal = (participantId: string, inboundId: string | undefined): CommitOutcome => {
    const doc = data.participants.get(participantId);
    if (inboundId === undefined || !doc?.recentInboundIds.includes(inboundId))
      return { kind: 'conflict' };
    return doc.lastTurn.inboundId === inboundId
      ? { kind: 'duplicate', lastTurn: copy(doc.lastTurn) }
      : { kind: 'duplicate' };
  };

  return {
    data,
    participants: {
      async load(identity) {
        const participantId = data.identities.get(identityKey(identity));
        if (participantId === undefined) return null;
        const doc = data.participants.get(participantId);
        if (doc === undefined) {
          data.identities.delete(identityKey(identity));
          return null;
        }
        return loadedOf(doc);
      },
      async commit(turn) {
        checkForWrite(storedStateSchema, turn.state, 'participants.state');
        const { loaded, inboundId, at } = turn;
        if (loaded === null) {
          const key = identityKey(turn.identity);
          const existing = data.identities.get(key);
          if (existing !== undefined) return refusal(existing, inboundId);
          const participantId = newId();
          const { channel, externalId } = turn.identity;
          data.participants.set(
            participantId,
            copy({
              _id: participantId,
              version: 1,
              identities: [{ channel, externalId }],
              ...turn.fields,
              ...(turn.consent ? { consent: turn.consent } : {}),
              reminders: { received: 0 },
              state: turn.state,
              recentInboundIds: inboundId === undefined ? [] : [inboundId],
              lastTurn: turn.lastTurn,
              createdAt: at,
              updatedAt: at,
              lastActivityAt: at,
            }),
          );
          data.identities.set(key, participantId);
          return { kind: 'committed', participantId, version: 1 };
        }
        if (inboundId !== undefined && loaded.recentInboundIds.includes(inboundId))
          return { kind: 'duplicate' };
        const doc = data.participants.get(loaded.participantId);
        if (doc === undefined || doc.version !== loaded.version)
          return refusal(loaded.participantId, inboundId);
        if (
          turn.reminderShown !== undefined &&
          doc.reminders.waiting?.deliveryId !== turn.reminderShown
        )
          return refusal(loaded.participantId, inboundId);
        if (
          turn.invitationShown !== undefined &&
          doc.workshopInvitation?.drawId !== turn.invitationShown
        )
          return refusal(loaded.participantId, inboundId);
        const version = loaded.version + 1;
        const { councilId, role, workshopInvitation, ...rest } = doc;
        const kept =
          turn.invitationShown === undefined && workshopInvitation
            ? { ...rest, workshopInvitation }
            : rest;
        const { waiting, ...others } = kept.reminders;
        const reminders = turn.reminderShown === undefined && waiting ? kept.reminders : others;
        data.participants.set(
          doc._id,
          copy({
            ...kept,
            reminders,
            ...turn.fields,
            ...(turn.consent ? { consent: turn.consent } : {}),
            ...(turn.completedAt ? { completedAt: turn.completedAt } : {}),
            version,
            state: turn.state,
            recentInboundIds:
              inboundId === undefined
                ? loaded.recentInboundIds
                : [...loaded.recentInboundIds, inboundId].slice(-recentInboundLimit),
            lastTurn: turn.lastTurn,
            updatedAt: at,
            lastActivityAt: at,
          }),
        );
        return { kind: 'committed', participantId: doc._id, version };
      },
      async get(participantId) {
        const doc = data.participants.get(participantId);
        return doc === undefined ? null : summaryOf(doc);
      },
      async *list(filter) {
        for (const doc of [...data.participants.values()])
          if (matches(doc, filter)) yield summaryOf(doc);
      },
      async count(filter) {
        return [...data.participants.values()].filter((doc) => matches(doc, filter)).length;
      },
      async attachIdentity(identity, participantId) {
        const key = identityKey(identity);
        const left = data.identities.get(key);
        data.identities.set(key, participantId);
        const target = data.participants.get(participantId);
        const same = (i: ChannelIdentity) =>
          i.channel === identity.channel && i.externalId === identity.externalId;
        if (target && !target.identities.some(same))
          target.identities.push({ channel: identity.channel, externalId: identity.externalId });
        if (left === undefined || left === participantId) return { moved: false };
        const before = data.participants.get(left);
        if (before === undefined) return { moved: false };
        before.identities = before.identities.filter((i) => !same(i));
        if (before.status === 'consent_pending' && before.identities.length === 0)
          data.participants.delete(left);
        return { moved: before.status !== 'consent_pending' };
      },
      async remove(participantId) {
        const doc = data.participants.get(participantId);
        data.participants.delete(participantId);
        for (const identity of doc?.identities ?? []) {
          const key = identityKey(identity);
          if (data.identities.get(key) === participantId) data.identities.delete(key);
        }
        return doc !== undefined;
      },
    },
    answers: {
      async record(participantId, answers, turn) {
        for (const answer of answers) {
          const _id = `${participantId}:${answer.questionId}`;
          const before = data.answers.get(_id);
          if (before && before.turn >= turn.version) continue;
          const previous = before ? [...before.history, previousValue(before)] : [];
          data.answers.set(
            _id,
            copy({
              _id,
              ...answer,
              participantId,
              consultationId: turn.consultationId,
              channel: turn.channel,
              answeredAt: before?.answeredAt ?? turn.at,
              updatedAt: turn.at,
              turn: turn.version,
              history: previous,
            }),
          );
        }
      },
      async *stream(filter) {
        const sorted = [...data.answers.values()]
          .filter(
            (a) =>
              filter.consultationId === undefined || a.consultationId === filter.consultationId,
          )
          .sort(
            (a, b) =>
              compare(a.participantId, b.participantId) || compare(a.questionId, b.questionId),
          );
        for (const { _id, ...answer } of sorted) yield copy<StoredAnswer>(answer);
      },
      async remove(participantId, questionIds) {
        for (const questionId of questionIds) data.answers.delete(`${participantId}:${questionId}`);
      },
    },
    transcripts: {
      async record(transcript) {
        const _id = `${transcript.participantId}:${transcript.turn}`;
        if (!data.transcripts.has(_id)) data.transcripts.set(_id, copy({ _id, ...transcript }));
      },
      async has(participantId, turn) {
        return data.transcripts.has(`${participantId}:${turn}`);
      },
      async remove(participantId, lastTurn) {
        for (let turn = 1; turn <= lastTurn; turn += 1)
          data.transcripts.delete(`${participantId}:${turn}`);
      },
    },
    codes: {
      async issue(code, participantId, at) {
        const existing = data.codes.get(code);
        if (existing && existing.participantId !== participantId)
          throw new Error('continuation code already taken');
        data.codes.set(code, {
          _id: code,
          participantId,
          createdAt: at,
          expiresAt: codeExpiry(at),
        });
      },
      async redeem(identity, code, now) {
        const key = identityKey(identity);
        const since = now.getTime() - wrongTriesWindowMinutes * 60_000;
        const wrong = data.attempts.filter((a) => a.key === key && a.at.getTime() > since);
        if (wrong.length >= maxWrongTries) return { kind: 'too_many' };
        const doc = data.codes.get(code);
        data.codes.delete(code);
        if (doc === undefined || doc.expiresAt.getTime() <= now.getTime()) {
          data.attempts.push({ key, at: now });
          return { kind: 'invalid' };
        }
        return { kind: 'valid', participantId: doc.participantId };
      },
      async removeFor(participantId) {
        for (const [code, doc] of data.codes)
          if (doc.participantId === participantId) data.codes.delete(code);
        const keys = new Set(
          [...data.identities].flatMap(([key, owner]) => (owner === participantId ? [key] : [])),
        );
        data.attempts = data.attempts.filter((attempt) => !keys.has(attempt.key));
      },
    },
    pushSubscriptions: memoryPushSubscriptions(),
    telegramSent: {
      async record(inboundId, index, at) {
        const _id = sentId(inboundId, index);
        if (!data.telegramSent.has(_id))
          data.telegramSent.set(_id, new Date(at.getTime() + telegramSentDays * 86_400_000));
      },
      async sent(inboundId, count) {
        const indexes = Array.from({ length: Math.max(0, count) }, (_, index) => index);
        return new Set(indexes.filter((index) => data.telegramSent.has(sentId(inboundId, index))));
      },
    },
    deletions: {
      async add(consultationId) {
        data.deletions.set(consultationId, (data.deletions.get(consultationId) ?? 0) + 1);
      },
    },
    workshopContacts: {
      async save(contact) {
        checkForWrite(
          workshopContactDocSchema,
          { _id: contact.participantId, ...contact },
          'workshop_contacts',
        );
        data.workshopContacts.set(contact.participantId, copy(contact));
      },
      async get(participantId) {
        const contact = data.workshopContacts.get(participantId);
        return contact === undefined ? null : copy(contact);
      },
      async *list(consultationId) {
        const ids = [...data.workshopContacts.keys()].sort(compare);
        for (const id of ids) {
          const contact = data.workshopContacts.get(id);
          if (contact?.consultationId === consultationId) yield copy(contact);
        }
      },
      async remove(participantId) {
        data.workshopContacts.delete(participantId);
      },
      async removeAll(consultationId) {
        let count = 0;
        for (const [id, contact] of data.workshopContacts)
          if (contact.consultationId === consultationId) {
            data.workshopContacts.delete(id);
            count += 1;
          }
        return count;
      },
    },
  };
}

/** A participant document with its state as the engine's type (no database to parse it from). */
export type MemoryParticipant = Omit<ParticipantDoc, 'state'> & { state: SessionState };

export interface MemoryData {
  participants: Map<string, MemoryParticipant>;
  identities: Map<string, string>;
  answers: Map<string, AnswerDoc>;
  transcripts: Map<string, TranscriptDoc>;
  codes: Map<string, CodeDoc>;
  attempts: { key: string; at: Date }[];
  deletions: Map<string, number>;
  workshopContacts: Map<string, StoredWorkshopContact>;
  /** `telegram_sent`: when each record expires, by `<inboundId>|<index>`. */
  telegramSent: Map<string, Date>;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
