import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { findFreePort } from '../../storage/find-free-port.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { DirectLineResident, TelegramResident } from './residents.js';
import type { ServeProcess } from './serve-process.js';

export const webhookSecret = 'faults-webhook-secret_0123';

/** What a fault test works with; `serve` is the process it starts (killed at the end). */
export interface FaultRig {
  readonly fake: FakeTelegramApi;
  readonly client: MongoClient;
  serve: ServeProcess | undefined;
  /** A fresh `concerto serve` environment: its own database and port. */
  environment(
    name: string,
  ): Promise<{ env: Record<string, string>; port: number; baseUrl: string }>;
  /** Three web pages on Direct Line and three Telegram chats (ids from `chatBase + 1`). */
  residents(
    baseUrl: string,
    chatBase: number,
  ): { web: DirectLineResident[]; telegram: TelegramResident[] };
}

/**
 * Hooks of a fault test file: the local Bot API, a client of the run's FerretDB; at the end the
 * serve process is killed and the databases it used dropped.
 */
export function faultRig(): FaultRig {
  const databases: string[] = [];
  let fake: FakeTelegramApi | undefined;
  let client: MongoClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the fault rig is not started (beforeAll)');
    return value;
  };
  const rig: FaultRig = {
    get fake() {
      return started(fake);
    },
    get client() {
      return started(client);
    },
    serve: undefined,
    async environment(name) {
      const port = await findFreePort();
      const database = `faults_${name}_${randomBytes(5).toString('hex')}`;
      databases.push(database);
      const env: Record<string, string> = {
        MONGODB_URI: inject('mongoUri'),
        MONGODB_DB: database,
        MONGODB_WRITE_CONCERN: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DIRECTLINE_SECRET: 'faults-directline-secret-0123456789',
        TELEGRAM_BOT_TOKEN: rig.fake.token,
        TELEGRAM_API_ROOT: rig.fake.apiRoot,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
      };
      return { env, port, baseUrl: `http://127.0.0.1:${port}` };
    },
    residents(baseUrl, chatBase) {
      return {
        web: [1, 2, 3].map((n) => new DirectLineResident(baseUrl, `web-${n}`)),
        telegram: [1, 2, 3].map(
          (n) => new TelegramResident(baseUrl, rig.fake, webhookSecret, chatBase + n),
        ),
      };
    },
  };
  beforeAll(async () => {
    fake = await FakeTelegramApi.start();
    client = await new MongoClient(inject('mongoUri')).connect();
  }, 60_000);
  afterAll(async () => {
    fake?.failAtRandom(undefined);
    await rig.serve?.crash();
    for (const name of databases)
      await client
        ?.db(name)
        .dropDatabase()
        .catch(() => undefined);
    await client?.close();
    await fake?.close();
  });
  return rig;
}
