import type { Server } from 'node:http';
import type { Db } from 'mongodb';
import { adminApiRoutes } from '../../bot/admin-api/admin-api-routes.js';
import { parseConfig } from '../../bot/config.js';
import { createHttpServer } from '../../bot/http/create-http-server.js';
import { createLogger } from '../../bot/logger.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { consultation, secret } from '../exports/seeded-exports.js';

/** The admin API's routes on a real HTTP server on a free port, over a test database. */
export async function startAdminApi(
  db: Db,
  env: Record<string, string> = {},
  limits: Parameters<typeof adminApiRoutes>[1] = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const parsed = parseConfig({ PSEUDONYM_SECRET: secret, LOG_LEVEL: 'silent', ...env });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const log = createLogger('silent');
  const routes = adminApiRoutes(
    {
      config: parsed.config,
      db,
      storage: mongoStorage(db),
      consultation,
      catalog: defaultCatalog,
      log,
    },
    limits,
  );
  const server: Server = createHttpServer(routes, { log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
