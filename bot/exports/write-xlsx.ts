import { EventEmitter, once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportTable } from './export-table.js';
import { guardFormula } from './guard-formula.js';
import { OutputClosedError, waitForDrain } from './wait-for-drain.js';

/** A sheet holds 1,048,576 rows; a longer export goes on to a second sheet, and so on. */
const rowsPerSheet = 1_000_000;

/**
 * A table as an XLSX workbook, streamed with exceljs' WorkbookWriter: each row is committed
 * (written to the zip) as it comes, without shared strings or styles, so memory stays flat.
 * Text cells are formula-guarded like CSV cells; numbers stay numbers.
 */
export async function writeXlsx(
  table: ExportTable,
  output: Writable,
  options: { onRow?: (() => void) | undefined },
): Promise<number> {
  // exceljs ends the stream it writes to: give it one of its own, so `output` stays open
  // (standard output, or a file the caller closes) like with the other formats.
  const zip = new PassThrough();
  zip.pipe(output, { end: false });
  const zipped = new Promise<void>((resolve, reject) => {
    zip.once('end', resolve);
    output.once('close', () => reject(new OutputClosedError()));
    output.once('error', reject);
  });
  zipped.catch(() => undefined);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zip,
    useSharedStrings: false,
    useStyles: false,
  });
  let sheet = workbook.addWorksheet(table.name.slice(0, 31));
  sheet.addRow([...table.columns]).commit();
  let count = 0;
  let inSheet = 0;
  for await (const row of table.rows) {
    if (inSheet === rowsPerSheet) {
      sheet.commit();
      sheet = workbook.addWorksheet(
        `${table.name.slice(0, 27)} ${Math.floor(count / rowsPerSheet) + 1}`,
      );
      sheet.addRow([...table.columns]).commit();
      inSheet = 0;
    }
    sheet
      .addRow(row.map((cell) => (typeof cell === 'string' ? textCell(cell) : (cell ?? null))))
      .commit();
    count += 1;
    inSheet += 1;
    options.onRow?.();
    // The zip is written as rows are committed: wait for a slow reader (an HTTP client), and
    // for the compression, which exceljs does not wait for (rows faster than the zip piled
    // up: 1.3 GB for 1,000,000 answers from a fast source).
    if (count % 500 === 0) {
      if (output.writableNeedDrain) await waitForDrain(output);
      const behind = sheetZipInput(sheet);
      // (A reader gone away ends the wait too: `zipped` fails when the output closes.)
      if (behind) await Promise.race([once(behind, 'drain'), zipped]);
    }
  }
  sheet.commit();
  await workbook.commit();
  await zipped;
  return count;
}

/**
 * Where exceljs's streaming worksheet sends its XML: the stream the zip reads the sheet from
 * (its StreamBuf's pipe, archiver's input for the entry: a readable-stream PassThrough).
 * exceljs 4.4 writes to it without looking at the return value; its `needDrain` says when the
 * zip is behind, and its 'drain' when it caught up.
 */
function sheetZipInput(sheet: object): EventEmitter | undefined {
  const stream: unknown = Reflect.get(sheet, '_stream');
  const pipes: unknown = isObject(stream) ? Reflect.get(stream, 'pipes') : undefined;
  const pipe: unknown = Array.isArray(pipes) ? pipes[0] : undefined;
  if (!(pipe instanceof EventEmitter)) return undefined;
  const state: unknown = Reflect.get(pipe, '_writableState');
  return isObject(state) && Reflect.get(state, 'needDrain') === true ? pipe : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Guarded text; line breaks as LF, the only one a cell keeps (XML turns CR LF into LF anyway). */
function textCell(text: string): string {
  return guardFormula(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}
