import { userInfo } from 'node:os';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { translator } from '../../dialogs/translate.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';
import { runChat } from './run-chat.js';

/** `concerto chat`: the terminal chat, on the same storage as every other channel. */
export async function runChatCommand(
  config: Config,
  options: {
    json: boolean;
    user?: string | undefined;
    lang?: Lang | undefined;
    invite?: string | undefined;
  },
): Promise<number> {
  // The chat owns the terminal: only warnings and errors go to stderr.
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const runtime = await startRuntime(config, log);
  try {
    await runChat({
      handleTurn: runtime.handleTurn,
      user: options.user ?? userInfo().username,
      json: options.json,
      lang: options.lang,
      invite: options.invite,
      input: process.stdin,
      output: process.stdout,
      apology: (lang) => translator(runtime.catalog, lang)('error.temporary'),
    });
  } finally {
    await runtime.close();
  }
  return 0;
}
