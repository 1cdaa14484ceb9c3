/** A flag a command takes: `--name VALUE` (or `--name=VALUE`), or a yes/no `--name`. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (values add up). */
  multiple?: boolean;
}

export interface ParsedFlags {
  /** Flag name → the values given, in order (`''` for a yes/no flag). */
  values: Map<string, string[]>;
  positionals: string[];
  /** `--help` or `-h` anywhere. */
  help: boolean;
  /** One line per problem: every one of them, not only the first. */
  problems: string[];
}

/**
 * Command-line flags for `concerto export` and `concerto admin`: unlike `util.parseArgs`,
 * it reports every bad flag (one line each) instead of stopping at the first one.
 *
 * @example parseFlags(['answers', '--council', 'QN05981M', '--wide'], { council: { type: 'string', multiple: true }, wide: { type: 'boolean' } })
 */
export function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, FlagSpec>>,
): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const problems: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const flag = name === undefined ? undefined : spec[name];
    if (name === undefined || flag === undefined) {
      problems.push(`unknown option ${match ? `--${name}` : arg}`);
      continue;
    }
    let value = match?.[2];
    if (flag.type === 'boolean') {
      if (value !== undefined) {
        problems.push(`--${name} takes no value`);
        continue;
      }
      value = '';
    } else if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      value = next;
      i += 1;
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !flag.multiple) {
      problems.push(`--${name} is given more than once`);
      continue;
    }
    list.push(value);
    values.set(name, list);
  }
  return { values, positionals, help, problems };
}
