import { stringify } from 'csv-stringify/sync';

/**
 * One CSV line (RFC 4180 quoting, CRLF) through csv-stringify, formula-like text guarded as in
 * every export (bot/exports/write-csv.ts): the workshop lists carry what residents wrote.
 */
export function csvLine(cells: readonly (string | number | boolean | undefined | null)[]): string {
  return stringify([cells.map((cell) => cell ?? '')], {
    record_delimiter: 'windows',
    escape_formulas: true,
  });
}
