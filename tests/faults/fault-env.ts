import { randomBytes } from 'node:crypto';
import { findFreePort } from '../../storage/find-free-port.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

export const webhookSecret = 'faults-webhook-secret_0123';

/**
 * The environment of a `concerto serve` under attack: the test run's FerretDB with a database
 * of its own, a free port, the web channel and Telegram over a webhook to the local Bot API.
 */
export async function faultEnv(mongoUri: string, fake: FakeTelegramApi, name: string) {
  const port = await findFreePort();
  const env: Record<string, string> = {
    MONGODB_URI: mongoUri,
    MONGODB_DB: `faults_${name}_${randomBytes(5).toString('hex')}`,
    MONGODB_WRITE_CONCERN: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DIRECTLINE_SECRET: 'faults-directline-secret-0123456789',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: webhookSecret,
  };
  return { env, port, baseUrl: `http://127.0.0.1:${port}` };
}
