import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ExportTable } from './export-table.js';
import { OutputClosedError, waitForDrain } from './wait-for-drain.js';

/**
 * A table as CSV (RFC 4180: quoted where needed, CRLF) through csv-stringify, formula-like text
 * guarded with a leading apostrophe. `excel`: what French Excel opens right — `;` between
 * cells and a UTF-8 byte order mark.
 */
export async function writeCsv(
  table: ExportTable,
  output: Writable,
  options: { excel: boolean; onRow?: (() => void) | undefined },
): Promise<number> {
  const stringifier = stringify({
    delimiter: options.excel ? ';' : ',',
    bom: options.excel,
    record_delimiter: 'windows',
    escape_formulas: true,
    header: false,
  });
  stringifier.pipe(output, { end: false });
  const failed = new Promise<never>((_, reject) => {
    stringifier.once('error', reject);
    output.once('error', reject);
    output.once('close', () => reject(new OutputClosedError()));
  });
  failed.catch(() => undefined);
  let count = 0;
  const write = async (cells: readonly unknown[]) => {
    if (!stringifier.write(cells)) await Promise.race([waitForDrain(stringifier, output), failed]);
  };
  await write(table.columns);
  for await (const row of table.rows) {
    await write(row.map((cell) => cell ?? ''));
    count += 1;
    options.onRow?.();
  }
  stringifier.end();
  await Promise.race([once(stringifier, 'end'), failed]);
  return count;
}
