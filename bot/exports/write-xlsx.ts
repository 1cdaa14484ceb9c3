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
    // The zip is written as rows are committed: wait for a slow reader (an HTTP client).
    if (count % 500 === 0 && output.writableNeedDrain) await waitForDrain(output);
  }
  sheet.commit();
  await workbook.commit();
  await zipped;
  return count;
}

/** Guarded text; line breaks as LF, the only one a cell keeps (XML turns CR LF into LF anyway). */
function textCell(text: string): string {
  return guardFormula(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}
