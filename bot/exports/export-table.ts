/** A cell of an export: text, a number, or empty. */
export type Cell = string | number | undefined;

/**
 * An export before it is written in a format: its columns and its rows, read lazily from the
 * database as the writer asks for them, so memory stays flat whatever the size.
 */
export interface ExportTable {
  /** File name stem and sheet name: `answers`, `answers-wide`, `participants`… */
  name: string;
  columns: readonly string[];
  rows: AsyncIterable<readonly Cell[]>;
  /** About how many rows will come (for the progress bar); undefined when unknown. */
  expectedRows?: number | undefined;
}
