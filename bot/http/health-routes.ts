import type { Db } from 'mongodb';
import { sendJson, type Route } from './create-http-server.js';
import type { Metrics } from './metrics.js';

/**
 * /healthz (the process is alive), /readyz (the database answers), /metrics (Prometheus).
 * `databaseUp` is false while the embedded database is known to be lost: /readyz says so at once.
 */
export function healthRoutes(db: Db, metrics: Metrics, databaseUp = () => true): Route[] {
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
          sendJson(res, 200, { status: 'ready', database: 'up' });
        } catch {
          sendJson(res, 503, { status: 'not ready', database: 'down' });
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(metrics.render());
      },
    },
  ];
}
