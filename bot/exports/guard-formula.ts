/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, or a tab or carriage
 * return, which some spreadsheets skip before one) gets a leading apostrophe: exported text
 * comes from residents, and a cell `=HYPERLINK(…)` must stay text. For CSV and XLSX text
 * cells; NDJSON and JSON carry the text as it is.
 *
 * @example guardFormula('=1+1') // "'=1+1"
 */
export function guardFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

const formulaStart = /^[=+\-@\t\r]/;
