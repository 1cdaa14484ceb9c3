import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersLongColumns } from '../../bot/exports/answers-long-export.js';
import { readAudit } from '../../storage/audit-log.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  exportBytes,
  exportObjects,
  requestOf,
  seedExportData,
  tricky,
  type Seeded,
} from './seeded-exports.js';

/** Python's own csv module reads the file: an independent reader of what we wrote. */
function pythonCsv(bytes: Buffer, delimiter: string): Promise<string[][]> {
  const file = path.join(dir, `read-${Math.random().toString(16).slice(2)}.csv`);
  writeFileSync(file, bytes);
  const script = [
    'import csv, json, sys',
    "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:",
    '    print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2], strict=True))))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-c', script, file, delimiter],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    );
  });
}

let dir: string;
let database: TestDatabase;
let seeded: Seeded;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'concerto-export-formats-'));
  database = await useTestDatabase();
  seeded = await seedExportData(database.db);
});

afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('answers in every format, read back by independent readers', () => {
  /** The reference: NDJSON lines, keyed by column. */
  let reference: Record<string, string | number>[];
  beforeAll(async () => {
    reference = await exportObjects(database.db, 'answers');
  });

  /** What a CSV or XLSX cell holds for a reference value: text guarded against formulas. */
  const asCell = (value: string | number | undefined) =>
    value === undefined
      ? ''
      : typeof value === 'string' && /^[=+\-@\t\r]/.test(value)
        ? `'${value}`
        : String(value);

  it('has the free text of real turns, masked, and nobody erased', () => {
    const texts = reference.flatMap((r) => (typeof r['text'] === 'string' ? [r['text']] : []));
    expect(texts).toContain(tricky.multiline);
    expect(texts).toContain(tricky.formula);
    expect(texts).toContain(tricky.plus);
    expect(texts).toContain(tricky.other);
    expect(texts).toContain('Appelez-moi au [téléphone] ; ou écrivez à [e-mail]');
    expect(texts).toContain("J'habite [adresse]");
    expect(texts.join('\n')).not.toMatch(/06 12 34 56 78|jean\.dupont|rue des Lilas/);
    const people = new Set(reference.map((r) => r['participant']));
    expect(people).toEqual(
      new Set([seeded.pseudonyms.ana, seeded.pseudonyms.ben, seeded.pseudonyms.chloe]),
    );
  });

  it('Excel CSV: ";", UTF-8 BOM, CRLF; Python reads every row and cell back', async () => {
    const { bytes, rows, fileName, contentType } = await exportBytes(
      database.db,
      requestOf('answers', { excel: '' }),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toMatch(/^\uFEFFparticipant;council;/);
    // Every record ends with CRLF; the only bare LF is the one inside the quoted multi-line text.
    expect(bytes.toString('utf8').endsWith('\r\n')).toBe(true);
    expect(fileName).toMatch(/^concerto-answers-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(contentType).toBe('text/csv; charset=utf-8');
    const [header, ...body] = await pythonCsv(bytes, ';');
    expect(header).toEqual([...answersLongColumns]);
    expect(rows).toBe(reference.length);
    expect(body).toEqual(reference.map((r) => answersLongColumns.map((c) => asCell(r[c]))));
    expect(body.map((r) => r[11])).toContain(`'${tricky.formula}`);
    expect(body.map((r) => r[11])).toContain(tricky.multiline);
  });

  it('plain CSV (RFC 4180): ",", no BOM, the same cells', async () => {
    const { bytes } = await exportBytes(database.db, requestOf('answers'));
    expect(bytes[0]).toBe('p'.charCodeAt(0));
    const [header, ...body] = await pythonCsv(bytes, ',');
    expect(header).toEqual([...answersLongColumns]);
    expect(body).toEqual(reference.map((r) => answersLongColumns.map((c) => asCell(r[c]))));
  });

  it('JSON: one array holding the NDJSON objects; text as typed, not guarded', async () => {
    const { bytes, contentType } = await exportBytes(
      database.db,
      requestOf('answers', { format: 'json' }),
    );
    expect(contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(reference);
    expect(reference.some((r) => r['text'] === tricky.formula)).toBe(true);
  });

  it('XLSX: exceljs reads the streamed workbook back; numbers stay numbers, formulas stay text', async () => {
    const { bytes, contentType, fileName } = await exportBytes(
      database.db,
      requestOf('answers', { format: 'xlsx' }),
    );
    expect(contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(fileName).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    const file = path.join(dir, 'answers.xlsx');
    writeFileSync(file, bytes);
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('answers');
    if (!sheet) throw new Error('no answers sheet');
    const read: (string | number)[][] = [];
    sheet.eachRow((row) => {
      const cells: (string | number)[] = [];
      for (let i = 1; i <= answersLongColumns.length; i += 1) {
        const cell = row.getCell(i);
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        const value = cell.value;
        cells.push(typeof value === 'number' ? value : value === null ? '' : String(value));
      }
      read.push(cells);
    });
    const [header, ...body] = read;
    expect(header).toEqual([...answersLongColumns]);
    expect(body).toEqual(
      reference.map((r) =>
        answersLongColumns.map((c) => {
          const value = r[c];
          // A cell's line breaks are LF: XML has no CR.
          return typeof value === 'number' ? value : asCell(value).replace(/\r\n/g, '\n');
        }),
      ),
    );
    expect(body.some((r) => typeof r[10] === 'number')).toBe(true);
  });

  it('raw: the text as typed, and the audit log says so', async () => {
    const raw = await exportObjects(database.db, 'answers', { raw: '' });
    expect(raw.map((r) => r['text'])).toContain(tricky.phone);
    const entries = await readAudit(database.db);
    expect(entries.filter((e) => e.details['raw'] === true)).toHaveLength(1);
    expect(entries.at(-1)).toMatchObject({
      action: 'export',
      actor: { kind: 'cli' },
      outcome: 'done',
      details: { kind: 'answers', format: 'ndjson', raw: true },
    });
    expect(entries.at(-1)?.rows).toBe(raw.length);
  });
});
