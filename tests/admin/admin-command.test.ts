import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { seedExportData } from '../exports/seeded-exports.js';
import { startAdminApi } from './admin-api-server.js';

/** Each run starts a Node process (about 1 s of CPU); these tests make several. */
const severalRuns = 120_000;

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `concerto …` as an operator runs it, on this test's database. */
function concerto(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          ...process.env,
          MONGODB_URI: inject('mongoUri'),
          MONGODB_DB: database.name,
          LOG_LEVEL: 'warn',
          PSEUDONYM_SECRET: 'export-tests-secret-export-tests-secret',
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await useTestDatabase();
  await seedExportData(database.db);
  dir = mkdtempSync(path.join(tmpdir(), 'concerto-admin-cli-'));
});

afterAll(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("concerto on the command line (export, admin and every other command's help)", () => {
  it(
    'every --help works',
    async () => {
      const helps = [
        ['--help'],
        ['export', '--help'],
        ['export', 'answers', '--help'],
        ['export', 'codebook', '-h'],
        ['admin', '--help'],
        ['admin', 'create-credential', '--help'],
        ['admin', 'list', '--help'],
        ['admin', 'revoke', '--help'],
        ['admin', 'audit', '--help'],
        ['admin', 'coordinator', '--help'],
        ['councils', '--help'],
        // Neither starts anything: serve would otherwise listen, chat would wait for input.
        ['serve', '--help'],
        ['chat', '--help'],
        ['export', 'synthesis', '--help'],
        ['workshop', '--help'],
        ['remind', '--help'],
        ['remind', 'plan', '--help'],
        ['remind', 'send', '--help'],
        ['remind', 'status', '--help'],
      ];
      const runs = await Promise.all(helps.map((args) => concerto(args)));
      runs.forEach((run, i) => {
        expect(run.code, helps[i]!.join(' ')).toBe(0);
        expect(run.stdout, helps[i]!.join(' ')).toMatch(/^Usage: concerto/);
      });
      expect(runs[1]?.stdout).toContain('--excel');
      expect(runs[5]?.stdout).toContain('--role admin|coordinator');
      expect(runs[11]?.stdout).toContain('SIGTERM');
      expect(runs[12]?.stdout).toContain('--invite CODE');
    },
    severalRuns,
  );

  it(
    'bad flags: one clear line each, exit code 2, nothing exported',
    async () => {
      const run = await concerto([
        'export',
        'answers',
        '--bogus',
        '--format',
        'pdf',
        '--since',
        'hier',
        '--wide=yes',
        '--council',
      ]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([
        'concerto export: unknown option --bogus',
        'concerto export: --wide takes no value',
        'concerto export: --council needs a value',
        'concerto export: format must be csv, ndjson, json, xlsx, not "pdf"',
        'concerto export: since must be a date (2017-11-29) or an ISO time (2017-11-29T18:00+01:00), not "hier"',
        '(see concerto export --help)',
      ]);
      const admin = await concerto([
        'admin',
        'create-credential',
        '--role',
        'boss',
        '--colour',
        'red',
      ]);
      expect(admin.code).toBe(2);
      expect(admin.stderr).toContain('unknown option --colour');
      expect(admin.stderr).toContain('--role must be admin or coordinator, not "boss"');
      expect((await concerto(['admin', 'nothing'])).code).toBe(2);
      expect((await concerto(['export', 'everything'])).stderr).toContain(
        'unknown export "everything"',
      );
    },
    severalRuns,
  );

  it(
    'exports to a file, without a progress bar when stderr is not a terminal',
    async () => {
      const file = path.join(dir, 'answers.csv');
      const run = await concerto([
        'export',
        'answers',
        '--excel',
        '--council',
        'QN05981M',
        '--out',
        file,
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^exported \d+ rows of answers to .*answers\.csv\n$/);
      expect(run.stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toMatch(/^\uFEFFparticipant;council;council_name/);
      expect(existsSync(`${file}.partial`)).toBe(false);
      const book = path.join(dir, 'codebook.xlsx');
      expect((await concerto(['export', 'codebook', '--format', 'xlsx', '--out', book])).code).toBe(
        0,
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(book);
      expect(workbook.getWorksheet('codebook')?.getRow(1).getCell(1).value).toBe(
        'questionnaire_version',
      );
      expect(workbook.getWorksheet('codebook')?.rowCount).toBeGreaterThan(100);
    },
    severalRuns,
  );

  it(
    'a credential made or revoked at the command line counts at once on a running server',
    async () => {
      const api = await startAdminApi(database.db);
      try {
        const made = await concerto([
          'admin',
          'create-credential',
          '--role',
          'coordinator',
          '--council',
          'qn05981m',
          '--name',
          'Nadia Benali',
        ]);
        expect(made.code).toBe(0);
        const [summary, token] = made.stdout.split('\n');
        expect(summary).toMatch(
          /^credential [a-z2-9]{10} \(coordinator, Nadia Benali, councils QN05981M\)$/,
        );
        const id = summary?.split(' ')[1] ?? '';
        const me = await fetch(`${api.url}/admin/api/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(await me.json()).toMatchObject({
          credential: id,
          role: 'coordinator',
          councils: ['QN05981M'],
        });
        const list = await concerto(['admin', 'list']);
        expect(list.stdout).toMatch(
          new RegExp(`^${id}\\tcoordinator\\tNadia Benali\\tQN05981M\\tmade .*\\tactive$`, 'm'),
        );
        expect(list.stdout).not.toContain(token);
        expect((await concerto(['admin', 'revoke', id])).stdout).toContain('revoked');
        const after = await fetch(`${api.url}/admin/api/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(after.status).toBe(401);
        expect((await concerto(['admin', 'revoke', 'nosuchcred'])).code).toBe(1);
        const unknown = await concerto([
          'admin',
          'create-credential',
          '--role',
          'coordinator',
          '--council',
          'QN99999Z',
        ]);
        expect(unknown.code).toBe(1);
        expect(unknown.stdout).toContain('unknown council(s): QN99999Z');
      } finally {
        await api.close();
      }
    },
    severalRuns,
  );

  it(
    'admin audit: exports and credential changes, with who and which filters',
    async () => {
      const run = await concerto(['admin', 'audit', '--since', '2000-01-01']);
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(
        lines.some((l) =>
          /\tcli\texport\tdone\tkind=answers format=csv \(excel\) raw=false councils=QN05981M rows=\d+$/.test(
            l,
          ),
        ),
      ).toBe(true);
      expect(
        lines.some((l) =>
          /\tcli\tcredential_created\tdone\t.*role=coordinator name=Nadia Benali/.test(l),
        ),
      ).toBe(true);
      expect(lines.some((l) => /\tcli\tcredential_revoked\tdone\t/.test(l))).toBe(true);
      const json = await concerto(['admin', 'audit', '--json', '--since', '2999-01-01']);
      expect(json.stdout).toBe('');
    },
    severalRuns,
  );
});

describe('PSEUDONYM_SECRET in production', () => {
  it('concerto serve refuses to start without it, saying why', async () => {
    const run = await concerto(['serve'], {
      NODE_ENV: 'production',
      PSEUDONYM_SECRET: '',
      PORT: '0',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PSEUDONYM_SECRET: is required when NODE_ENV=production');
  });
});
