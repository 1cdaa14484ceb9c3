import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../storage/audit-log.js';
import { createCredential, revokeCredential } from '../../storage/credentials.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { seedExportData, type Seeded } from '../exports/seeded-exports.js';
import { startAdminApi } from './admin-api-server.js';

const A = 'QN05981M'; // Ana's council (Roubaix, 59)
const B = 'QN05983M'; // Ben's council (Tourcoing, 59)
const adminToken = 'bootstrap-admin-token-0123456789';

let database: TestDatabase;
let seeded: Seeded;
let api: { url: string; close(): Promise<void> };
const tokens: Record<'admin' | 'coordinatorA' | 'revoked', string> = {
  admin: '',
  coordinatorA: '',
  revoked: '',
};

beforeAll(async () => {
  database = await useTestDatabase();
  seeded = await seedExportData(database.db);
  const { db } = database;
  tokens.admin = (await createCredential(db, { name: 'Admin national', role: 'admin' })).token;
  tokens.coordinatorA = (
    await createCredential(db, { name: 'Nadia', role: 'coordinator', councilIds: [A] })
  ).token;
  const revoked = await createCredential(db, {
    name: 'Ancien',
    role: 'coordinator',
    councilIds: [A],
  });
  await revokeCredential(db, revoked.credential._id);
  tokens.revoked = revoked.token;
  // No failure limit here: this test makes dozens of refused requests on purpose.
  api = await startAdminApi(db, { ADMIN_TOKEN: adminToken }, { maxFailures: 1_000 });
});

afterAll(async () => {
  await api.close();
  await database.drop();
});

async function get(path: string, token?: string) {
  const response = await fetch(
    `${api.url}${path}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text: bytes.toString('utf8'),
  };
}

type Response = Awaited<ReturnType<typeof get>>;

/** Every council a response's rows or entries name. */
type CouncilsOf = (response: Response) => Promise<Set<string>>;

const csvCouncils: CouncilsOf = async (r) => {
  const rows: Record<string, string>[] = parse(r.bytes, {
    columns: true,
    bom: true,
    delimiter: [',', ';'].find((d) => r.text.split('\r\n')[0]?.includes(d)),
  });
  return new Set(rows.map((row) => row['council'] ?? ''));
};
const ndjsonCouncils: CouncilsOf = async (r) =>
  new Set(
    r.text
      .trim()
      .split('\n')
      .map((line) => String(JSON.parse(line).council)),
  );
const xlsxCouncils: CouncilsOf = async (r) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(r.bytes).buffer);
  const sheet = workbook.worksheets[0];
  const councils = new Set<string>();
  sheet?.eachRow((row, n) => {
    if (n > 1) councils.add(String(row.getCell(2).value));
  });
  return councils;
};
const jsonKey =
  (list: string, key: string): CouncilsOf =>
  async (r) =>
    new Set(JSON.parse(r.text)[list].map((item: Record<string, string>) => item[key]));

interface RouteCase {
  route: string;
  /** The route with `?council=` (or its own way of naming a council) for a council. */
  path: (council: string) => string;
  /** The councils named by a 200 answer; undefined for a route whose answer names none. */
  councils?: CouncilsOf;
  adminOnly?: boolean;
  /** Expected type and file name of a download. */
  download?: { type: RegExp; name: RegExp };
}

const routes: RouteCase[] = [
  {
    route: 'answers (CSV)',
    path: (c) => `/admin/api/exports/answers?council=${c}`,
    councils: csvCouncils,
    download: { type: /^text\/csv/, name: /concerto-answers-.*\.csv/ },
  },
  {
    route: 'answers wide (XLSX)',
    path: (c) => `/admin/api/exports/answers?wide=1&format=xlsx&council=${c}`,
    councils: xlsxCouncils,
    download: { type: /spreadsheetml/, name: /concerto-answers-wide-.*\.xlsx/ },
  },
  {
    route: 'participants (NDJSON)',
    path: (c) => `/admin/api/exports/participants?format=ndjson&council=${c}`,
    councils: ndjsonCouncils,
    download: { type: /x-ndjson/, name: /concerto-participants-.*\.ndjson/ },
  },
  {
    route: 'transcripts (Excel CSV)',
    path: (c) => `/admin/api/exports/transcripts?excel=1&council=${c}`,
    councils: csvCouncils,
    download: { type: /^text\/csv/, name: /concerto-transcripts-.*\.csv/ },
  },
  {
    route: 'codebook (JSON)',
    path: (c) => `/admin/api/exports/codebook?format=json&council=${c}`,
    download: { type: /^application\/json/, name: /concerto-codebook-.*\.json/ },
  },
  {
    route: 'councils',
    path: (c) => `/admin/api/councils?council=${c}`,
    councils: jsonKey('councils', 'id'),
  },
  {
    route: 'councils by département',
    path: (c) => `/admin/api/councils?department=${c === A ? '59' : '01'}`,
  },
  {
    route: 'figures',
    path: (c) => `/admin/api/figures?council=${c}`,
    councils: jsonKey('figures', 'councilId'),
  },
  { route: 'audit', path: (c) => `/admin/api/audit?council=${c}`, adminOnly: true },
  {
    route: 'me',
    path: (c) => `/admin/api/me?council=${c}`,
    councils: async (r) => new Set(JSON.parse(r.text).councils),
  },
];

describe('every admin route checks the credential, the role and the council scope', () => {
  describe.each(routes)('$route', (c) => {
    it('401 without a credential, with a wrong one, with a revoked one', async () => {
      for (const token of [
        undefined,
        'not-a-credential',
        tokens.revoked,
        `${tokens.coordinatorA.slice(0, -2)}xx`,
      ]) {
        const response = await get(c.path(A), token);
        expect(response.status, String(token)).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(response.text).not.toContain('Nouveau Roubaix');
      }
    });

    it("403 for a coordinator of A asking for B's data", async () => {
      const response = await get(c.path(B), tokens.coordinatorA);
      expect(response.status).toBe(c.route === 'me' ? 200 : 403);
      if (c.route === 'me') expect(await c.councils?.(response)).toEqual(new Set([A]));
    });

    it('coordinator of A: only A (or 403 on an admins-only route)', async () => {
      for (const path of [c.path(A), c.path(A).replace(/[?&](council|department)=[^&]*/, '')]) {
        const response = await get(path, tokens.coordinatorA);
        if (c.adminOnly) {
          expect(response.status).toBe(403);
          continue;
        }
        expect(response.status, path).toBe(200);
        if (c.councils) expect(await c.councils(response), path).toEqual(new Set([A]));
        if (c.download) {
          expect(response.headers.get('content-type')).toMatch(c.download.type);
          expect(response.headers.get('content-disposition')).toMatch(
            new RegExp(`^attachment; filename="${c.download.name.source}`),
          );
        }
      }
    });

    it('admin (a credential, and ADMIN_TOKEN): 200, any council', async () => {
      for (const token of [tokens.admin, adminToken]) {
        for (const council of [A, B]) {
          const response = await get(c.path(council), token);
          expect(response.status).toBe(200);
          if (c.councils && c.route !== 'me')
            expect(await c.councils(response)).toEqual(new Set([council]));
        }
      }
    });
  });
});

describe('the rest of the admin API', () => {
  it('a coordinator without a council parameter sees only their councils in every export', async () => {
    const response = await get('/admin/api/exports/answers?format=ndjson', tokens.coordinatorA);
    const rows = response.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(new Set(rows.map((r) => r.participant))).toEqual(new Set([seeded.pseudonyms.ana]));
  });

  it('raw exports are for admins, and audited with who asked', async () => {
    expect(
      (await get(`/admin/api/exports/answers?raw=1&council=${A}`, tokens.coordinatorA)).status,
    ).toBe(403);
    const response = await get('/admin/api/exports/answers?raw=1&format=ndjson', tokens.admin);
    expect(response.status).toBe(200);
    expect(response.text).toContain('06 12 34 56 78');
    const entry = (await readAudit(database.db)).findLast((e) => e.details['raw'] === true);
    expect(entry).toMatchObject({
      actor: { kind: 'credential', name: 'Admin national', role: 'admin' },
      outcome: 'done',
      details: { kind: 'answers', format: 'ndjson', raw: true },
    });
    const coordinator = (await readAudit(database.db)).filter(
      (e) => e.actor.name === 'Nadia' && e.action === 'export',
    );
    expect(coordinator.length).toBeGreaterThan(0);
    expect(
      coordinator.every((e) => JSON.stringify(e.details['councils']) === JSON.stringify([A])),
    ).toBe(true);
    const audit = JSON.parse((await get('/admin/api/audit', tokens.admin)).text);
    expect(audit.entries.some((e: { details: { raw?: boolean } }) => e.details.raw === true)).toBe(
      true,
    );
  });

  it('bad parameters: 400 naming each problem; unknown export: 404', async () => {
    const response = await get(
      '/admin/api/exports/answers?format=pdf&since=hier&bogus=1',
      tokens.admin,
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).problems).toEqual([
      'unknown option "bogus"',
      'format must be csv, ndjson, json, xlsx, not "pdf"',
      'since must be a date (2017-11-29) or an ISO time (2017-11-29T18:00+01:00), not "hier"',
    ]);
    expect((await get('/admin/api/exports/synthesis', tokens.admin)).status).toBe(404);
  });

  it('too many failed attempts from one address: 429, even with a good credential, per address', async () => {
    const limited = await startAdminApi(database.db, { TRUST_PROXY: 'true' }, { maxFailures: 3 });
    const from = (address: string, token?: string) =>
      fetch(`${limited.url}/admin/api/me`, {
        headers: {
          'x-forwarded-for': address,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
    try {
      for (let i = 0; i < 3; i += 1) expect((await from('203.0.113.7', 'guess')).status).toBe(401);
      const refused = await from('203.0.113.7', tokens.admin);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await from('198.51.100.2', tokens.admin)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
