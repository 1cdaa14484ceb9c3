import type { Db } from 'mongodb';
import { councilNames, createCoordinatorLink } from '../../storage/coordinator-repository.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';

export interface CoordinatorLinkOptions {
  name: string;
  councilIds: string[];
}

/**
 * `concerto admin coordinator --name NAME --council CODE…`: creates a coordinator and prints
 * their one-time link code, to hand over privately. Exit code 1 when a council is unknown.
 */
export async function runCoordinatorLinkCommand(
  config: Config,
  options: CoordinatorLinkOptions,
): Promise<number> {
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  try {
    return await createCoordinatorLinkCommand(runtime.db, options, (line) =>
      process.stdout.write(`${line}\n`),
    );
  } finally {
    await runtime.close();
  }
}

/** The command without its runtime, for tests and other front ends. */
export async function createCoordinatorLinkCommand(
  db: Db,
  options: CoordinatorLinkOptions,
  print: (line: string) => void,
): Promise<number> {
  const name = options.name.trim();
  const councilIds = [...new Set(options.councilIds.map((id) => id.trim().toUpperCase()))];
  if (name === '' || councilIds.length === 0) {
    print('a coordinator needs a name and at least one council code');
    return 1;
  }
  const known = await councilNames(db, councilIds);
  const unknown = councilIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    print(`unknown council(s): ${unknown.join(', ')} (see "concerto councils list")`);
    return 1;
  }
  const { coordinatorId, code } = await createCoordinatorLink(db, { name, councilIds });
  print(
    `coordinator ${coordinatorId} (${name}) for ${councilIds.map((id) => `${id} ${known.get(id)?.name ?? ''}`).join(', ')}`,
  );
  print(`one-time link code: ${code}`);
  print(`send it privately; in Telegram they open the bot and type: /coordinator ${code}`);
  return 0;
}
