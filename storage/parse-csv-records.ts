export interface CsvRecord {
  /** The physical line the record starts on (1 = the first line of the file). */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * Splits RFC 4180 CSV (quotes, doubled quotes, line breaks inside quotes, CRLF or LF, a BOM)
 * into records. A malformed record is reported and skipped, and reading resumes on the next
 * line, so one stray quote does not swallow the rest of the file. Blank lines are skipped.
 */
export function parseCsvRecords(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let pos = 0;
  let line = 1;
  while (pos < input.length) {
    const start = { pos, line };
    const result = readRecord(input, pos, line);
    if ('problem' in result) {
      problems.push({ line: start.line, message: result.problem });
      // Resume at the line after the one the bad record started on.
      const nextLine = input.indexOf('\n', start.pos);
      pos = nextLine === -1 ? input.length : nextLine + 1;
      line = start.line + 1;
      continue;
    }
    pos = result.pos;
    line = result.line;
    const blank = result.fields.length === 1 && result.fields[0] === '';
    if (!blank) records.push({ line: start.line, fields: result.fields });
  }
  return { records, problems };
}

type ReadResult = { fields: string[]; pos: number; line: number } | { problem: string };

/** Reads one record from `pos`; `pos` in the result is the start of the next record. */
function readRecord(input: string, start: number, startLine: number): ReadResult {
  const fields: string[] = [];
  let pos = start;
  let line = startLine;
  for (;;) {
    let field = '';
    if (input[pos] === '"') {
      pos += 1;
      for (;;) {
        if (pos >= input.length) return { problem: 'a quoted field is never closed (missing ")' };
        const char = input[pos];
        if (char === '"' && input[pos + 1] === '"') {
          field += '"';
          pos += 2;
        } else if (char === '"') {
          pos += 1;
          break;
        } else {
          if (char === '\n') line += 1;
          field += char;
          pos += 1;
        }
      }
      const next = input[pos];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        // Text after a quote that ran over several lines: most likely the opening quote was
        // never closed and a later line's quote was taken for its end.
        if (line > startLine) return { problem: 'a quoted field is never closed (missing ")' };
        return {
          problem: `unexpected text after a closing quote: ${JSON.stringify(input.slice(pos, pos + 10))}`,
        };
      }
    } else {
      const end = nextDelimiter(input, pos);
      field = input.slice(pos, end);
      pos = end;
    }
    fields.push(field);
    const char = input[pos];
    if (char === ',') {
      pos += 1;
      continue;
    }
    if (char === '\r') pos += 1;
    if (input[pos] === '\n') pos += 1;
    return { fields, pos, line: line + 1 };
  }
}

function nextDelimiter(input: string, from: number): number {
  for (let pos = from; pos < input.length; pos += 1) {
    const char = input[pos];
    if (char === ',' || char === '\n' || char === '\r') return pos;
  }
  return input.length;
}
