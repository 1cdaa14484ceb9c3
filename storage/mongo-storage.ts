import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { MongoContinuationCodes } from './continuation-codes.js';
import { MongoAnswers } from './mongo-answers.js';
import { MongoParticipants } from './mongo-participants.js';
import { MongoTelegramSent } from './mongo-telegram-sent.js';
import { MongoTranscripts } from './mongo-transcripts.js';
import { MongoPushSubscriptions } from './push-subscriptions.js';
import type { Storage } from './storage.js';
import { MongoWorkshopContacts } from './workshop-contacts.js';

/**
 * The storage of every turn on MongoDB (or the embedded FerretDB): no caches, no batching;
 * each write is acknowledged with the connection's write concern before it resolves.
 *
 * @example const storage = mongoStorage(db); await storage.participants.load(identity)
 */
export function mongoStorage(db: Db, options: { newParticipantId?: () => string } = {}): Storage {
  const c = collections(db);
  return {
    participants: new MongoParticipants(c, options.newParticipantId),
    answers: new MongoAnswers(c),
    transcripts: new MongoTranscripts(c),
    codes: new MongoContinuationCodes(c),
    workshopContacts: new MongoWorkshopContacts(db),
    pushSubscriptions: new MongoPushSubscriptions(db),
    telegramSent: new MongoTelegramSent(c),
    deletions: {
      add: async (consultationId) => {
        await c.deletions.updateOne(
          { _id: consultationId },
          { $inc: { count: 1 } },
          { upsert: true },
        );
      },
    },
  };
}
