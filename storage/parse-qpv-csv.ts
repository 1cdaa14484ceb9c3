import { parseCsvRecords } from './parse-csv-records.js';

/** One priority neighbourhood (QPV) from the ANCT list: the reference for a council. */
export interface QpvRow {
  /** QPV code, e.g. "QN05981M". */
  code: string;
  name: string;
  /** Commune name(s), several separated by "; ". */
  commune: string;
  /** INSEE code(s), in the same order as `commune`. */
  communeInsee: string;
  department: string;
  departmentName: string;
}

/** A rejected line; prints as "line 12: …". */
export class QpvLineError {
  constructor(
    readonly line: number,
    readonly message: string,
  ) {}

  toString(): string {
    return `line ${this.line}: ${this.message}`;
  }
}

const columns = {
  code: 'code',
  name: 'name',
  commune: 'commune',
  communeInsee: 'commune_insee',
  department: 'department',
  departmentName: 'department_name',
} as const;

const codePattern = /^[A-Z0-9]{4,16}$/;

/**
 * Parses the QPV reference CSV (header `code,name,commune,commune_insee,department,
 * department_name`, columns in any order, extra columns ignored). Every bad line is reported
 * with its number and the good rows are still returned.
 *
 * @example
 *   const { rows, errors } = parseQpvCsv(await readFile('qpv-2024.csv', 'utf8'));
 */
export function parseQpvCsv(text: string): { rows: QpvRow[]; errors: QpvLineError[] } {
  const { records, problems } = parseCsvRecords(text);
  const errors = problems.map((problem) => new QpvLineError(problem.line, problem.message));
  const [header, ...body] = records;
  if (header === undefined)
    return { rows: [], errors: [...errors, new QpvLineError(1, 'the file is empty')] };
  const names = header.fields.map((field) => field.trim().toLowerCase());
  const index = (column: string): number => names.indexOf(column);
  const missing = Object.values(columns).filter((column) => index(column) === -1);
  if (missing.length > 0) {
    errors.push(
      new QpvLineError(
        header.line,
        `missing column(s): ${missing.join(', ')} (found: ${names.join(', ')})`,
      ),
    );
    return { rows: [], errors: sortByLine(errors) };
  }
  const rows: QpvRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line, fields } of body) {
    if (fields.length !== names.length) {
      errors.push(
        new QpvLineError(line, `expected ${names.length} fields, found ${fields.length}`),
      );
      continue;
    }
    const cell = (column: string): string => (fields[index(column)] ?? '').trim();
    const row: QpvRow = {
      code: cell(columns.code).toUpperCase(),
      name: cell(columns.name),
      commune: cell(columns.commune),
      communeInsee: cell(columns.communeInsee),
      department: cell(columns.department),
      departmentName: cell(columns.departmentName),
    };
    const problem = rowProblem(row, firstLineOf.get(row.code));
    if (problem !== undefined) {
      errors.push(new QpvLineError(line, problem));
      continue;
    }
    firstLineOf.set(row.code, line);
    rows.push(row);
  }
  return { rows, errors: sortByLine(errors) };
}

function rowProblem(row: QpvRow, seenOnLine: number | undefined): string | undefined {
  if (row.code === '') return 'the code is empty';
  if (!codePattern.test(row.code))
    return `the code ${JSON.stringify(row.code)} is not a QPV code (letters and digits)`;
  if (seenOnLine !== undefined) return `the code ${row.code} is already on line ${seenOnLine}`;
  if (row.name === '') return `the name of ${row.code} is empty`;
  if (row.commune === '') return `the commune of ${row.code} is empty`;
  if (row.department === '') return `the department of ${row.code} is empty`;
  return undefined;
}

function sortByLine(errors: QpvLineError[]): QpvLineError[] {
  return errors.sort((a, b) => a.line - b.line);
}
