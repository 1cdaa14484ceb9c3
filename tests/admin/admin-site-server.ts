import type { Server } from 'node:http';
import type { Db } from 'mongodb';
import { adminApiRoutes } from '../../bot/admin-api/admin-api-routes.js';
import { adminPageRoutes, type AdminPageOptions } from '../../bot/admin-page/admin-page-routes.js';
import { parseConfig } from '../../bot/config.js';
import { CouncilIndex } from '../../bot/council-index.js';
import { createHttpServer } from '../../bot/http/create-http-server.js';
import { createLogger } from '../../bot/logger.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { listCouncils } from '../../storage/council-repository.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { consultation, secret } from '../exports/seeded-exports.js';

/** The admin site (pages and API) on a real HTTP server on a free port, over a test database. */
export async function startAdminSite(
  db: Db,
  env: Record<string, string> = {},
  options: AdminPageOptions = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const parsed = parseConfig({
    PSEUDONYM_SECRET: secret,
    LOG_LEVEL: 'silent',
    TELEGRAM_BOT_USERNAME: 'concerto_test_bot',
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const log = createLogger('silent');
  const deps = {
    config: parsed.config,
    db,
    storage: mongoStorage(db),
    consultation,
    catalog: defaultCatalog,
    log,
    councils: new CouncilIndex(await listCouncils(db)),
    reminders: { repository: new ReminderRepository(db), nudge: () => undefined },
  };
  const server: Server = createHttpServer(
    [...adminApiRoutes(deps, { maxFailures: 1_000 }), ...adminPageRoutes(deps, options)],
    { log },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
