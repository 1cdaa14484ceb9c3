import { inject } from 'vitest';
import { startFuzzTarget, targetSecrets, type FuzzTarget } from '../fuzz/start-fuzz-target.js';
import type { FakeTelegramApi } from '../helpers/fake-telegram-api.js';

export const fullServerSecrets = targetSecrets;
export type FullServer = FuzzTarget;

/** Every default channel on, in this process, on a fresh database of the run's server. */
export function startFullServer(
  fake: FakeTelegramApi,
  env: Record<string, string> = {},
): Promise<FullServer> {
  return startFuzzTarget(inject('mongoUri'), fake, env);
}
