import { join } from 'node:path';
import type { Db } from 'mongodb';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { defaultCatalog, shippedConsultation } from '../dialogs/load-consultation.js';
import { createIntentRecognizer } from '../dialogs/nlu/create-intent-recognizer.js';
import { translator, type Catalog } from '../dialogs/translate.js';
import { codeLifetimeMinutes, ContinuationCodes } from '../storage/continuation-codes.js';
import { startEmbeddedServer } from '../storage/embedded-server.js';
import { MongoConversationStore } from '../storage/mongo-conversation-store.js';
import { ensureIndexes, openDatabase } from '../storage/open-database.js';
import { prepareCouncils } from '../storage/prepare-councils.js';
import type { Config } from './config.js';
import { CouncilIndex } from './council-index.js';
import { createTurnHandler, type TurnHandler } from './handle-turn.js';
import type { Logger } from './logger.js';
import { watchCouncils } from './watch-councils.js';

export interface Runtime {
  config: Config;
  log: Logger;
  db: Db;
  store: MongoConversationStore;
  handleTurn: TurnHandler;
  councils: CouncilIndex;
  consultation: Consultation;
  catalog: Catalog;
  /** Reads the councils again now (a running server also reloads them after any import). */
  refreshCouncils(): Promise<void>;
  /** False while the embedded database server is lost and being restarted. */
  databaseUp?: () => boolean;
  close(): Promise<void>;
}

/**
 * Everything a command needs: the database (the embedded server when MONGODB_URI is unset),
 * indexes, the consultation, the NLU and the turn handler shared by all channels.
 */
export async function startRuntime(
  config: Config,
  log: Logger,
  options: { conversations?: boolean; referenceCouncils?: boolean } = {},
): Promise<Runtime> {
  const loaded = shippedConsultation({
    opensAt: config.CONSULTATION_OPENS_AT,
    closesAt: config.CONSULTATION_CLOSES_AT,
  });
  if (!loaded.ok)
    throw new Error(`the consultation is invalid:\n  - ${loaded.problems.join('\n  - ')}`);
  const embedded = config.MONGODB_URI
    ? undefined
    : await startEmbeddedServer({
        dataDir: join(config.DATA_DIR, 'db'),
        log: (message) => log.info(message),
      });
  const uri = config.MONGODB_URI ?? embedded?.uri;
  if (!uri) throw new Error('no database: set MONGODB_URI or let the embedded server start');
  const writeConcern =
    config.MONGODB_WRITE_CONCERN === 'majority' ? 'majority' : Number(config.MONGODB_WRITE_CONCERN);
  const database = await openDatabase({ uri, dbName: config.MONGODB_DB, writeConcern });
  await ensureIndexes(database.db, { retentionDays: config.TRANSCRIPT_RETENTION_DAYS });
  if (options.referenceCouncils !== false) await prepareCouncils(database.db);
  const councils = new CouncilIndex();
  const councilWatch = await watchCouncils(database.db, councils, {
    onError: (error) => log.warn({ err: error }, 'could not check for new councils'),
  });
  // Commands that hold no conversation (exports, councils) skip training the NLU.
  const recognizer = options.conversations === false ? undefined : await createIntentRecognizer();
  const store = new MongoConversationStore(database.db);
  const codes = new ContinuationCodes(database.db);
  await codes.ensureIndexes();
  const handleTurn = createTurnHandler({
    store,
    engine: { consultation: loaded.consultation, catalog: defaultCatalog, councils },
    ...(recognizer ? { classify: (text, lang) => recognizer.classify(text, lang) } : {}),
    defaultLang: config.DEFAULT_LANG,
    continuationCode: async (participantId, lang) => {
      const code = await codes.create(participantId, new Date());
      return {
        text: translator(defaultCatalog, lang)('code.issued', {
          code,
          minutes: codeLifetimeMinutes,
        }),
      };
    },
    redeemCode: async (identity, code, now) => {
      const outcome = await codes.redeem(identity, code, now);
      store.forget(identity); // it may belong to another participant now
      return outcome;
    },
  });
  log.info(
    { database: embedded ? 'embedded' : 'MONGODB_URI', councils: councils.size },
    'runtime ready',
  );
  return {
    config,
    log,
    db: database.db,
    store,
    handleTurn,
    councils,
    consultation: loaded.consultation,
    catalog: defaultCatalog,
    refreshCouncils: councilWatch.refresh,
    databaseUp: () => embedded === undefined || embedded.state() === 'up',
    close: async () => {
      await councilWatch.stop();
      await database.close();
      await embedded?.stop();
    },
  };
}
