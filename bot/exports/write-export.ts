import type { Writable } from 'node:stream';
import type { ExportFormat } from './export-request.js';
import type { ExportTable } from './export-table.js';
import { writeCsv } from './write-csv.js';
import { writeJsonLines } from './write-json-lines.js';
import { writeXlsx } from './write-xlsx.js';

/** Writes a table in a format to `output` (left open), returning how many rows it wrote. */
export function writeExport(
  table: ExportTable,
  output: Writable,
  options: { format: ExportFormat; excel: boolean; onRow?: (() => void) | undefined },
): Promise<number> {
  const { onRow } = options;
  switch (options.format) {
    case 'csv':
      return writeCsv(table, output, { excel: options.excel, onRow });
    case 'ndjson':
      return writeJsonLines(table, output, { array: false, onRow });
    case 'json':
      return writeJsonLines(table, output, { array: true, onRow });
    case 'xlsx':
      return writeXlsx(table, output, { onRow });
  }
}

/** The HTTP content type of each format. */
export const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `concerto-answers-2017-12-06.csv`: what the file is, and the day it was made. */
export function exportFileName(
  table: Pick<ExportTable, 'name'>,
  format: ExportFormat,
  at: Date,
): string {
  return `concerto-${table.name}-${at.toISOString().slice(0, 10)}.${format}`;
}
