import type { Db } from 'mongodb';
import { pendingMigrations } from '../../storage/run-migrations.js';
import { sendJson, type Route } from './create-http-server.js';
import type { Metrics } from './metrics.js';

/**
 * /healthz (the process is alive), /readyz (the database answers AND this version's data
 * migrations are recorded as done), /metrics (Prometheus, prom-client's text format).
 * `databaseUp` is false while the embedded database is known to be lost: /readyz says so at once.
 */
export function healthRoutes(db: Db, metrics: Metrics, databaseUp = () => true): Route[] {
  // Once done, migrations stay done: later probes only ping.
  let migrated = false;
  return [
    {
      method: 'GET',
      path: '/healthz',
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        try {
          if (!databaseUp()) throw new Error('the embedded database is being restarted');
          await db.command({ ping: 1 }, { timeoutMS: 2000 });
        } catch {
          sendJson(res, 503, { status: 'not ready', database: 'down' });
          return;
        }
        if (!migrated) {
          const pending = await pendingMigrations(db).catch(() => undefined);
          if (pending?.length !== 0) {
            sendJson(res, 503, { status: 'not ready', database: 'up', migrations: 'pending' });
            return;
          }
          migrated = true;
        }
        sendJson(res, 200, { status: 'ready', database: 'up', migrations: 'done' });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(await metrics.render());
      },
    },
  ];
}
