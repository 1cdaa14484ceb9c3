import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import { readCouncilRevision } from '../../storage/council-revision.js';
import { derivedInvitationCode } from '../../storage/invitation-code.js';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));
const header = 'code,name,commune,commune_insee,department,department_name';

/** `concerto councils …` as an operator runs it, on this test's database. */
function councils(
  args: string[],
  dbName: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'councils', ...args],
      {
        env: {
          ...process.env,
          MONGODB_URI: inject('mongoUri'),
          MONGODB_DB: dbName,
          LOG_LEVEL: 'warn',
        },
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Polls `probe` until it holds, or fails after `ms` (the server checks every 5 s). */
async function eventually(probe: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('councils from the first start, and `concerto councils`', () => {
  const dbName = `councils_${randomBytes(6).toString('hex')}`;
  let dir: string;
  let runtime: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'concerto-councils-'));
    const parsed = parseConfig({
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: dbName,
      MONGODB_WRITE_CONCERN: '1',
      LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    runtime = await startRuntime(parsed.config, createLogger('silent'), { conversations: false });
  });

  afterAll(async () => {
    await runtime.db.dropDatabase().catch(() => undefined);
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the shipped list of 1,493 councils and their stable codes', async () => {
    expect(runtime.councils.size).toBe(1493);
    const code = derivedInvitationCode('QN05981M');
    expect(
      runtime.councils.byInvitationCode(`${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`)?.id,
    ).toBe('QN05981M');
    expect(runtime.councils.search('roubais', 6).councils[0]?.commune).toBe('Roubaix');
    expect(await readCouncilRevision(runtime.db)).toBe(1);
  });

  it('answers --help and refuses a bad flag in one line with exit code 2', async () => {
    const [help, bad, missing] = await Promise.all([
      councils(['--help'], dbName),
      councils(['list', '--colour'], dbName),
      councils(['import', path.join(dir, 'nowhere.csv')], dbName),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: concerto councils import FILE/);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([
      "concerto councils: Unknown option '--colour' (see concerto councils --help)",
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nowhere\.csv/);
  }, 60_000); // three commands at once, each starting Node and tsx

  it('imports a newer list, prints rejected lines, and the running server sees it', async () => {
    const file = path.join(dir, 'qpv-2025.csv');
    writeFileSync(
      file,
      [
        header,
        'QN05999N,Quartier Neuf,Roubaix,59512,59,Nord',
        'QN05981M,Nouveau Roubaix,Roubaix,59512,59,Nord',
        'QN05998N,Sans commune,,59512,59,Nord',
      ].join('\n'),
    );
    const imported = await councils(['import', file], dbName);
    expect(imported.stderr).toContain(`${file}: line 4: the commune of QN05998N is empty`);
    expect(imported.stdout).toMatch(
      /2 councils read: 1 new, 0 updated, 1 unchanged; 1 invitation codes created; 1 lines rejected/,
    );
    expect(imported.code).toBe(1);

    await eventually(() => runtime.councils.byId('QN05999N') !== undefined, 15_000);
    expect(runtime.councils.size).toBe(1494);
    expect(runtime.councils.byInvitationCode(derivedInvitationCode('QN05999N'))?.name).toBe(
      'Quartier Neuf',
    );

    const listed = await councils(
      ['list', '--search', 'quartier neuf roubaix', '--limit', '1'],
      dbName,
    );
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(
      `QN05999N\tQuartier Neuf\tRoubaix\t59\t${derivedInvitationCode('QN05999N')}\n`,
    );
    expect(listed.stderr).toBe('1 councils found\n');
  }, 60_000); // two commands, each starting Node, tsx and a database connection, and a 5 s check
});
