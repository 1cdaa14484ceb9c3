import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Update } from 'grammy/types';
import { inject } from 'vitest';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { ServeProcess } from '../helpers/serve-process.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export const fleetSecret = 'fleet-secret_0123456789';

/**
 * Several real `concerto serve` processes on one database of the run's server (MONGODB_URI),
 * in webhook mode against one local Bot API, as behind a load balancer. `post` hands a webhook
 * update to one of them and, like a proxy, tries the next one when a process refuses (stopping,
 * gone); `live` lists those still running.
 */
export class ServeFleet {
  readonly processes: ServeProcess[] = [];
  readonly baseUrls: string[] = [];
  private readonly stopped = new Set<number>();

  private constructor(
    readonly fake: FakeTelegramApi,
    readonly database: TestDatabase,
    private readonly dataDir: string,
  ) {}

  static async start(count: number, env: Record<string, string> = {}): Promise<ServeFleet> {
    const fake = await FakeTelegramApi.start();
    const database = await useTestDatabase();
    await importCouncils(database.db, [roubaixRow]);
    await addInvitationCode(database.db, 'QN05981M', 'RBX7KQ');
    const fleet = new ServeFleet(
      fake,
      database,
      mkdtempSync(path.join(tmpdir(), 'concerto-fleet-')),
    );
    for (let i = 0; i < count; i += 1)
      fleet.processes.push(
        new ServeProcess({
          MONGODB_URI: inject('mongoUri'),
          MONGODB_DB: database.name,
          MONGODB_WRITE_CONCERN: '1',
          DATA_DIR: fleet.dataDir,
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
          TELEGRAM_MODE: 'webhook',
          TELEGRAM_WEBHOOK_SECRET: fleetSecret,
          TRUST_PROXY: 'true',
          CONSULTATION_OPENS_AT: '2017-11-22T00:00:00+01:00',
          CONSULTATION_CLOSES_AT: '2099-12-05T23:59:59+01:00',
          LOG_LEVEL: 'info',
          ...env,
        }),
      );
    fleet.baseUrls.push(...(await Promise.all(fleet.processes.map((p) => p.ready))));
    return fleet;
  }

  /** Indexes of the processes not stopped by `stop`. */
  live(): number[] {
    return this.processes.map((_, i) => i).filter((i) => !this.stopped.has(i));
  }

  /** SIGTERM to process `index`; resolves with its exit. */
  async stop(index: number) {
    this.stopped.add(index);
    return this.processes[index]!.stop();
  }

  /**
   * A webhook POST to process `index` (of the live ones, modulo), then to the next ones if it
   * cannot take it: what the proxy does (Caddy's lb_try_duration). Throws when none answers 200.
   */
  async post(update: Update, index: number): Promise<number> {
    const order = [...this.processes.keys()];
    const start = index % order.length;
    const tried: string[] = [];
    for (let k = 0; k < order.length; k += 1) {
      const i = (start + k) % order.length;
      const response = await fetch(`${this.baseUrls[i]}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': fleetSecret,
        },
        body: JSON.stringify(update),
      }).catch((error: unknown) => ({ status: 0, error }));
      if (response.status === 200) return i;
      tried.push(`${i}: ${response.status}`);
    }
    throw new Error(`no process took update ${update.update_id}: ${tried.join(', ')}`);
  }

  /** Everything every process wrote. */
  output(): string {
    return this.processes.map((p) => p.output).join('\n');
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.fake.close();
    await this.database.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
