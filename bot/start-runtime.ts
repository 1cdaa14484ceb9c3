import { join } from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import type { Consultation } from '../dialogs/questionnaire-schema.js';
import { defaultCatalog, shippedConsultation } from '../dialogs/load-consultation.js';
import { createIntentRecognizer } from '../dialogs/nlu/create-intent-recognizer.js';
import type { Catalog } from '../dialogs/translate.js';
import { DirectLineRepository } from '../storage/directline-repository.js';
import { startEmbeddedServer } from '../storage/embedded-server.js';
import { ensureIndexes, type IndexReport } from '../storage/ensure-indexes.js';
import { mongoStorage } from '../storage/mongo-storage.js';
import { openDatabase } from '../storage/open-database.js';
import { prepareCouncils } from '../storage/prepare-councils.js';
import { ReminderRepository } from '../storage/reminder-repository.js';
import { runMigrations } from '../storage/run-migrations.js';
import { SendBudget } from '../storage/send-budget.js';
import type { Storage } from '../storage/storage.js';
import type { Config } from './config.js';
import type { DirectLineStore } from './web/directline-store.js';
import {
  createCoordinatorCommands,
  type CoordinatorCommands,
} from './coordinators/coordinator-commands.js';
import { CouncilIndex } from './council-index.js';
import { createTurnHandler, type TurnHandler } from './handle-turn.js';
import type { Logger } from './logger.js';
import { RepliesMeter } from './reminders/replies-meter.js';
import { returnNotices } from './reminders/return-notices.js';
import { markInvitationShown } from '../storage/workshop-draws.js';
import { watchCouncils } from './watch-councils.js';

export interface Runtime {
  config: Config;
  log: Logger;
  /** For commands and admin tools; channels never get it (see ChannelContext). */
  db: Db;
  /** The driver's client, for its command monitoring events (database latency in /metrics). */
  client: MongoClient;
  storage: Storage;
  handleTurn: TurnHandler;
  directLine: DirectLineStore;
  coordinators: CoordinatorCommands;
  councils: CouncilIndex;
  consultation: Consultation;
  catalog: Catalog;
  /** Whether the server expires documents itself (TTL indexes) or `purgeExpired` must. */
  expiry: IndexReport['expiry'];
  /** Reads the councils again now (a running server also reloads them after any import). */
  refreshCouncils(): Promise<void>;
  /** False while the embedded database server is lost and being restarted. */
  databaseUp?: () => boolean;
  reminders: RuntimeReminders;
  close(): Promise<void>;
}

/** What every command shares of the reminders (the sender itself runs in `serve`). */
export interface RuntimeReminders {
  repository: ReminderRepository;
  /** Telegram's send rate, shared by every process through the database. */
  telegramBudget: SendBudget;
  /** Counts messages sent to residents into that budget (they go first, reminders make room). */
  replies: RepliesMeter;
  /** Asks this process's sender to look for new waves now (set by `serve`). */
  nudge: () => void;
}

/**
 * Everything a command needs: the database (the embedded server when MONGODB_URI is unset),
 * migrations and indexes, the consultation, the NLU and the turn handler shared by all channels.
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
  const quietHours = config.REMINDER_QUIET_HOURS;
  const consultation: Consultation = quietHours
    ? { ...loaded.consultation, reminders: { ...loaded.consultation.reminders, quietHours } }
    : loaded.consultation;
  const catalog = defaultCatalog;
  const embedded = config.MONGODB_URI
    ? undefined
    : await startEmbeddedServer({
        dataDir: join(config.DATA_DIR, 'db'),
        log: (message) => log.info(message),
      });
  const uri = config.MONGODB_URI ?? embedded?.uri;
  if (!uri) throw new Error('no database: set MONGODB_URI or let the embedded server start');
  const database = await openDatabase({
    uri,
    dbName: config.MONGODB_DB,
    writeConcern: config.MONGODB_WRITE_CONCERN,
    monitorCommands: true,
  });
  const { db } = database;
  await runMigrations(db, { consultation, catalog });
  const { expiry } = await ensureIndexes(db, { retentionDays: config.TRANSCRIPT_RETENTION_DAYS });
  if (options.referenceCouncils !== false) await prepareCouncils(db);
  const councils = new CouncilIndex();
  const councilWatch = await watchCouncils(db, councils, {
    onError: (error) => log.warn({ err: error }, 'could not check for new councils'),
  });
  // Commands that hold no conversation (exports, councils) skip training the NLU.
  const recognizer = options.conversations === false ? undefined : await createIntentRecognizer();
  const storage = mongoStorage(db);
  const reminderRepository = new ReminderRepository(db);
  const telegramBudget = new SendBudget(db, { key: 'telegram', perSecond: config.REMINDER_RATE });
  const reminders: RuntimeReminders = {
    repository: reminderRepository,
    telegramBudget,
    replies: new RepliesMeter(telegramBudget, log),
    nudge: () => undefined,
  };
  const handleTurn = createTurnHandler({
    storage,
    engine: { consultation, catalog, councils },
    returnNotices: returnNotices(consultation, catalog, reminderRepository),
    invitationShown: (drawId, participantId, at) =>
      markInvitationShown(db, drawId, participantId, at),
    ...(recognizer ? { classify: (text, lang) => recognizer.classify(text, lang) } : {}),
    defaultLang: config.DEFAULT_LANG,
  });
  log.info(
    { database: embedded ? 'embedded' : 'MONGODB_URI', councils: councils.size, expiry },
    'runtime ready',
  );
  return {
    config,
    log,
    db,
    client: database.client,
    storage,
    handleTurn,
    directLine: new DirectLineRepository(db),
    coordinators: createCoordinatorCommands({
      db,
      storage,
      catalog,
      consultation,
      log,
      reminders,
    }),
    councils,
    consultation,
    catalog,
    expiry,
    refreshCouncils: councilWatch.refresh,
    databaseUp: () => embedded === undefined || embedded.state() === 'up',
    reminders,
    close: async () => {
      await reminders.replies.stop();
      await councilWatch.stop();
      await database.close();
      await embedded?.stop();
    },
  };
}
