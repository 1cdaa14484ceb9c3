import { parseArgs } from 'node:util';
import { parseConfig, readEnvironment, type Config } from './config.js';

const usage = `Usage: concerto <command>

  serve                         HTTP server, enabled channels (npm start)
  chat [--json] [--user ID] [--lang fr|en] [--invite CODE]
                                chat with the bot in this terminal
  export answers|participants|transcripts|codebook [--format csv|ndjson|json|xlsx]
         [--excel] [--wide] [--out FILE] [--raw] [filters]
                                exports, pseudonymised and masked (concerto export --help)
  export synthesis [--format html|json] [--out FILE] [--council CODE…] [--lang fr|en]
                                the synthesis for the workshop (--help for more)
  workshop draw --seats N --seed S [--balance council,role]
                                draw the workshop's participants among volunteers
  workshop invite|forget-contacts …
                                invitations, contacts of volunteers (workshop --help)
  councils import FILE          import councils (QPV list CSV: code,name,commune,…)
  councils list [--search TEXT] councils and their invitation codes
  admin create-credential|list|revoke|audit|coordinator …
                                admin API credentials, the audit trail, coordinators'
                                Telegram link codes (concerto admin --help)
  remind plan|send|status       reminders: who would get one, send one now, what they did
                                (concerto remind --help)

Every command takes --help.
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
    // Each command loads only its own modules: `concerto export --help` need not load
    // grammY, botbuilder and the NLU.
    case 'serve':
      return (await import('./serve-command.js')).runServeCommand(config);
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
      const { runChatCommand } = await import('./console/chat-command.js');
      return runChatCommand(config, {
        json: values.json ?? false,
        user: values.user,
        lang,
        invite: values.invite,
      });
    }
    case 'export':
      // The synthesis has its own options (bot/synthesis/synthesis-command.ts).
      if (args[0] === 'synthesis')
        return (await import('./synthesis/synthesis-command.js')).runSynthesisCommand(
          config,
          args.slice(1),
        );
      return (await import('./admin/export-command.js')).runExportCommand(config, args);
    case 'workshop':
      return (await import('./workshop/workshop-command.js')).runWorkshopCommand(config, args);
    case 'councils':
      return (await import('./admin/councils-command.js')).runCouncilsCommand(config, args);
    case 'remind':
      return (await import('./reminders/remind-command.js')).runRemindCommand(config, args);
    case 'admin':
      return (await import('./admin/admin-command.js')).runAdminCommand(config, args);
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
