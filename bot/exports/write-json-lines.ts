import type { Writable } from 'node:stream';
import type { Cell, ExportTable } from './export-table.js';
import { waitForDrain } from './wait-for-drain.js';

/**
 * A table as NDJSON (one JSON object per line, keyed by column, empty cells left out) or as
 * one JSON array written element by element, never held whole in memory.
 */
export async function writeJsonLines(
  table: ExportTable,
  output: Writable,
  options: { array: boolean; onRow?: (() => void) | undefined },
): Promise<number> {
  const { columns } = table;
  let pending = '';
  const flush = async () => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!output.write(chunk)) await waitForDrain(output);
  };
  let count = 0;
  if (options.array) pending += '[';
  for await (const row of table.rows) {
    const line = JSON.stringify(objectOf(columns, row));
    pending += options.array ? `${count === 0 ? '\n' : ',\n'}${line}` : `${line}\n`;
    count += 1;
    options.onRow?.();
    // Lines go out in chunks of about 64 KB: one write per row costs more than the row.
    if (pending.length > 65_536) await flush();
  }
  if (options.array) pending += count === 0 ? ']\n' : '\n]\n';
  await flush();
  return count;
}

function objectOf(columns: readonly string[], row: readonly Cell[]): Record<string, Cell> {
  const object: Record<string, Cell> = {};
  for (let i = 0; i < columns.length; i += 1) {
    const value = row[i];
    const column = columns[i];
    if (value !== undefined && column !== undefined) object[column] = value;
  }
  return object;
}
