/**
 * One CSV line (RFC 4180 quoting). Cells that a spreadsheet would run as a formula
 * (=, +, -, @ first) get a leading apostrophe: exported text comes from residents.
 */
export function csvLine(cells: readonly (string | number | boolean | undefined | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(cell: string | number | boolean | undefined | null): string {
  if (cell === undefined || cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
