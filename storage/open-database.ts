import { MongoClient, type Db } from 'mongodb';

export type WriteConcernLevel = 'majority' | number;

export interface OpenDatabaseOptions {
  uri: string;
  dbName: string;
  /** Acknowledgement required before a write resolves; `'majority'` unless configured. */
  writeConcern?: WriteConcernLevel;
  /** How long to look for a server before an operation fails (outages surface fast). */
  serverSelectionTimeoutMS?: number;
  /** Emit the driver's command events (timed in /metrics); off unless asked. */
  monitorCommands?: boolean;
}

export interface OpenDatabase {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connects and checks the server answers. Timeouts are short so that a database outage makes
 * a turn fail within seconds (the channel then apologises) instead of hanging the webhook.
 *
 * @example
 *   const { db, close } = await openDatabase({ uri: 'mongodb://127.0.0.1:27017', dbName: 'concerto' });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 5_000,
    // Above the slowest legitimate operation (a large export batch), below a stuck webhook.
    socketTimeoutMS: 30_000,
    // A majority write waits for replicas; never wait forever for one that is gone.
    writeConcern: { w: options.writeConcern ?? 'majority', wtimeoutMS: 10_000 },
    ignoreUndefined: true,
    appName: 'concerto',
    monitorCommands: options.monitorCommands ?? false,
  });
  await client.connect();
  try {
    const db = client.db(options.dbName);
    await db.command({ ping: 1 });
    return { client, db, close: () => client.close() };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

// Start-up needs both; the index list itself lives in ensure-indexes.ts.
export { ensureIndexes } from './ensure-indexes.js';
