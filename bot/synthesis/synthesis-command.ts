import { writeFile } from 'node:fs/promises';
import { listCouncils } from '../../storage/council-repository.js';
import { parse, UsageError } from '../cli.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';
import { buildSynthesis, synthesisJson } from './build-synthesis.js';
import { renderSynthesisHtml } from './render-synthesis-html.js';

export const synthesisUsage = `Usage: concerto export synthesis [--format html|json] [--out FILE] [--council CODE…] [--lang fr|en]

  The synthesis for the workshop, theme by theme: participation, the answers to every closed
  question (« Sans avis » apart), urgency scores, and the free-text proposals grouped into
  ideas with their keywords and masked quotes. The same data gives the same report.

  --format html|json   html (default): one self-contained page, printable on A4;
                       json: the same figures as data (every idea and « Autre » text)
  --out FILE           write there instead of standard output
  --council CODE       only this council (repeat for several), e.g. --council QN05981M
  --lang fr|en         main language of the page and of the masks in quotes (default fr)
`;

/** `concerto export synthesis`: the report as HTML or JSON, to a file or standard output. */
export async function runSynthesisCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'html' },
    out: { type: 'string' },
    council: { type: 'string', multiple: true },
    lang: { type: 'string', default: 'fr' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(synthesisUsage);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`export synthesis: unexpected "${positionals.join(' ')}"`);
  const { format, lang } = values;
  if (format !== 'html' && format !== 'json') throw new UsageError('--format must be html or json');
  if (lang !== 'fr' && lang !== 'en') throw new UsageError('--lang must be fr or en');
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  try {
    const councilIds = values.council?.map((code) => code.trim().toUpperCase());
    if (councilIds) {
      const known = new Set((await listCouncils(runtime.db)).map((c) => c.id));
      const unknown = councilIds.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        process.stderr.write(
          `concerto: unknown council ${unknown.map((id) => `"${id}"`).join(', ')} (see concerto councils list)\n`,
        );
        return 2;
      }
    }
    const report = await buildSynthesis(runtime, { councilIds, lang });
    const output =
      format === 'json' ? synthesisJson(report) : renderSynthesisHtml(report, { lang });
    if (values.out) await writeFile(values.out, output);
    else process.stdout.write(output);
    const { participants } = report.participation;
    process.stderr.write(
      `synthesis: ${participants} participants, ${report.themes.length} themes${values.out ? ` → ${values.out}` : ''}\n`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}
