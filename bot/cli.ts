import { parseArgs } from 'node:util';
import { parseConfig, readEnvironment, type Config } from './config.js';
import { runChatCommand } from './console/chat-command.js';
import { runCouncilsCommand } from './admin/councils-command.js';
import { runExportCommand } from './admin/export-command.js';
import { runServeCommand } from './serve-command.js';
import { runCoordinatorLinkCommand } from './coordinators/coordinator-link-command.js';
import { runRemindCommand } from './reminders/remind-command.js';

const usage = `Usage: concerto <command>

  serve                         HTTP server, enabled channels (npm start)
  chat [--json] [--user ID] [--lang fr|en] [--invite CODE]
                                chat with the bot in this terminal
  export answers [--format csv|ndjson] [--out FILE] [--council CODE]
                                answers, pseudonymised
  councils import FILE          import councils (QPV list CSV: code,name,commune,…)
  councils list [--search TEXT] councils and their invitation codes
  admin coordinator --name NAME --council CODE [--council CODE…]
                                a coordinator's one-time Telegram link code
  remind plan|send|status       reminders: who would get one, send one now, what they did
`;

/** Entry point of the `concerto` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(usage);
    return command ? 0 : 1;
  }
  const settings = parseConfig(readEnvironment());
  if (!settings.ok) {
    process.stderr.write(
      `concerto: invalid configuration:\n${settings.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  try {
    return await run(command, rest, settings.config);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`concerto: ${error.message}\n\n${usage}`);
      return 2;
    }
    process.stderr.write(`concerto: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function run(command: string, args: string[], config: Config): Promise<number> {
  switch (command) {
    case 'serve':
      return runServeCommand(config);
    case 'chat': {
      const { values } = parse(args, {
        json: { type: 'boolean' },
        user: { type: 'string' },
        lang: { type: 'string' },
        invite: { type: 'string' },
      });
      const lang = values.lang;
      if (lang !== undefined && lang !== 'fr' && lang !== 'en')
        throw new UsageError('--lang must be fr or en');
      return runChatCommand(config, {
        json: values.json ?? false,
        user: values.user,
        lang,
        invite: values.invite,
      });
    }
    case 'export':
      return runExportCommand(config, args);
    case 'councils':
      return runCouncilsCommand(config, args);
    case 'remind':
      return runRemindCommand(config, args);
    case 'admin': {
      const { values, positionals } = parse(args, {
        name: { type: 'string' },
        council: { type: 'string', multiple: true },
      });
      if (positionals[0] !== 'coordinator' || !values.name || !values.council?.length) {
        throw new UsageError('admin coordinator needs --name and at least one --council');
      }
      return runCoordinatorLinkCommand(config, { name: values.name, councilIds: values.council });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export class UsageError extends Error {}

type Options = Parameters<typeof parseArgs>[0] extends infer O
  ? O extends { options?: infer P }
    ? P
    : never
  : never;

/** parseArgs with our usage errors instead of Node's. */
export function parse<T extends NonNullable<Options>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
