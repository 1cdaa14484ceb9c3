import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AnswerValue } from '../../dialogs/answer-value.js';
import { streamAnswers } from '../../storage/answer-export.js';
import { pseudonymSecret } from '../../storage/pseudonym-secret.js';
import { parse, UsageError } from '../cli.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startRuntime } from '../start-runtime.js';
import { csvLine } from './csv-line.js';

const header = [
  'participant',
  'council',
  'question',
  'kind',
  'choices',
  'other',
  'number',
  'yes_no',
  'text',
  'questionnaire_version',
  'answered_at',
  'updated_at',
];

/** `concerto export answers`: one row per participant × question, participants pseudonymised. */
export async function runExportCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'csv' },
    out: { type: 'string' },
    council: { type: 'string' },
  });
  const [what] = positionals;
  if (what !== 'answers')
    throw new UsageError(`export ${what ?? ''}: only "answers" is available for now`);
  const format = values.format;
  if (format !== 'csv' && format !== 'ndjson')
    throw new UsageError('--format must be csv or ndjson');
  const runtime = await startRuntime(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
    { conversations: false },
  );
  const output: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  let count = 0;
  try {
    const secret = config.PSEUDONYM_SECRET ?? (await pseudonymSecret(runtime.db));
    if (format === 'csv') await write(output, `\uFEFF${csvLine(header)}`);
    for await (const row of streamAnswers(runtime.storage, { councilId: values.council, secret })) {
      const cells = valueCells(row.value);
      const line =
        format === 'csv'
          ? csvLine([
              row.participantKey,
              row.councilId,
              row.questionId,
              row.value.kind,
              ...cells,
              row.questionnaireVersion,
              row.answeredAt.toISOString(),
              row.updatedAt.toISOString(),
            ])
          : `${JSON.stringify(row)}\n`;
      await write(output, line);
      count += 1;
      if (count % 10_000 === 0) process.stderr.write(`exported ${count} answers…\n`);
    }
  } finally {
    if (values.out) output.end();
    await runtime.close();
  }
  process.stderr.write(`exported ${count} answers${values.out ? ` to ${values.out}` : ''}\n`);
  return 0;
}

/** choices, other, number, yes_no, text: the columns a spreadsheet can filter on. */
function valueCells(value: AnswerValue): (string | number | undefined)[] {
  switch (value.kind) {
    case 'choice':
      return [value.choiceId, value.other, undefined, undefined, undefined];
    case 'choices':
    case 'ranking':
      return [value.choiceIds.join(';'), value.other, undefined, undefined, undefined];
    case 'scale':
      return [undefined, undefined, value.value, undefined, undefined];
    case 'yesno':
      return [undefined, undefined, undefined, value.value ? 'yes' : 'no', undefined];
    case 'text':
      return [undefined, undefined, undefined, undefined, value.text];
    case 'skipped':
      return [undefined, undefined, undefined, undefined, undefined];
  }
}

async function write(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}
