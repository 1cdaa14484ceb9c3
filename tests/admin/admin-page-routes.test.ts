import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSessionLimits } from '../../storage/admin-sessions.js';
import { collectionNames } from '../../storage/collections.js';
import { findCouncil } from '../../storage/council-repository.js';
import { createCoordinatorLink, linkCoordinator } from '../../storage/coordinator-repository.js';
import { createCredential, revokeCredential } from '../../storage/credentials.js';
import { readAudit } from '../../storage/audit-log.js';
import { ReminderRepository } from '../../storage/reminder-repository.js';
import { consultation, seedExportData } from '../exports/seeded-exports.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { postSignIn, signIn, signInForm, type SiteSession } from './admin-site-session.js';
import { startAdminSite } from './admin-site-server.js';

const A = 'QN05981M'; // Nouveau Roubaix: Nadia's council
const B = 'QN05983M'; // Phalempins (Tourcoing)
const adminToken = 'bootstrap-admin-token-0123456789';

let database: TestDatabase;
let site: { url: string; close(): Promise<void> };
const clock = { now: new Date('2017-11-30T09:00:00Z') };
const tokens = { admin: '', coordinator: '' };
let admin: SiteSession;
let nadia: SiteSession;

beforeAll(async () => {
  database = await useTestDatabase();
  await seedExportData(database.db);
  tokens.admin = (
    await createCredential(database.db, { name: 'Admin national', role: 'admin' })
  ).token;
  tokens.coordinator = (
    await createCredential(database.db, { name: 'Nadia', role: 'coordinator', councilIds: [A] })
  ).token;
  site = await startAdminSite(
    database.db,
    { ADMIN_TOKEN: adminToken },
    { now: () => clock.now, maxFailures: 5 },
  );
  admin = await signIn(site.url, tokens.admin);
  nadia = await signIn(site.url, tokens.coordinator);
});

afterAll(async () => {
  await site.close();
  await database.drop();
});

interface PageCase {
  route: string;
  method?: 'GET' | 'POST';
  path: (council: string) => string;
  fields?: (council: string) => Record<string, string>;
  adminOnly?: boolean;
  /** The route names no council: a coordinator's own answer is checked, not another's 403. */
  unscoped?: boolean;
  binary?: boolean;
}

const pages: PageCase[] = [
  { route: 'overview', path: (c) => `/admin?council=${c}` },
  { route: 'councils', path: (c) => `/admin/councils?council=${c}` },
  { route: 'council page', path: (c) => `/admin/councils/${c}` },
  { route: 'web QR code (SVG)', path: (c) => `/admin/councils/${c}/qr-web.svg` },
  {
    route: 'Telegram QR code (PNG)',
    path: (c) => `/admin/councils/${c}/qr-telegram.png`,
    binary: true,
  },
  {
    route: 'members of a council',
    method: 'POST',
    path: (c) => `/admin/councils/${c}/members`,
    fields: () => ({ members: '' }),
    adminOnly: true,
  },
  { route: 'exports form', path: (c) => `/admin/exports?council=${c}` },
  {
    route: 'export download (form)',
    path: (c) => `/admin/exports/download?kind=answers&council=${c}`,
  },
  {
    route: 'export download (link)',
    path: (c) => `/admin/exports/participants?format=ndjson&council=${c}`,
  },
  { route: 'synthesis form', path: (c) => `/admin/synthesis?council=${c}` },
  { route: 'synthesis report', path: (c) => `/admin/synthesis/report.html?council=${c}` },
  { route: 'synthesis JSON', path: (c) => `/admin/synthesis/report.json?council=${c}` },
  { route: 'reminders', path: (c) => `/admin/reminders?council=${c}` },
  {
    route: 'reminder plan',
    method: 'POST',
    path: () => '/admin/reminders/plan',
    fields: (c) => ({ council: c }),
  },
  {
    route: 'reminder send',
    method: 'POST',
    path: () => '/admin/reminders/send',
    fields: (c) => ({ council: c, status: 'in_progress' }),
  },
  { route: 'draw form', path: () => '/admin/draw', adminOnly: true, unscoped: true },
  {
    route: 'draw',
    method: 'POST',
    path: () => '/admin/draw',
    fields: () => ({ seats: '1', seed: 'routes test' }),
    adminOnly: true,
    unscoped: true,
  },
  {
    route: 'draw list',
    path: () => '/admin/draw/list.csv?seed=routes%20test&seats=1',
    adminOnly: true,
    unscoped: true,
  },
  {
    route: 'recorded draw list',
    path: () => '/admin/draw/recorded.csv?seed=routes%20test',
    adminOnly: true,
    unscoped: true,
  },
  {
    route: 'recorded draw list, full contacts',
    path: () => '/admin/draw/recorded.csv?seed=routes%20test&contacts=full',
    adminOnly: true,
    unscoped: true,
  },
  {
    route: 'invitations form',
    path: () => '/admin/draw/invite?seed=routes%20test',
    adminOnly: true,
    unscoped: true,
  },
  {
    route: 'invitations send',
    method: 'POST',
    path: () => '/admin/draw/invite',
    fields: () => ({ seed: 'routes test', details: 'Samedi 16 décembre', confirm: 'yes' }),
    adminOnly: true,
    unscoped: true,
  },
  { route: 'audit', path: () => '/admin/audit', adminOnly: true, unscoped: true },
];

function call(session: SiteSession | undefined, c: PageCase, council: string, extra = {}) {
  const path = c.path(council);
  if (c.method === 'POST') {
    const fields = { ...c.fields?.(council), ...(session ? { csrf: session.csrf } : {}), ...extra };
    if (session) return session.post(path, fields);
    return fetch(`${site.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
  }
  return session ? session.get(path) : fetch(`${site.url}${path}`, { redirect: 'manual' });
}

const ok = (c: PageCase) => (c.method === 'POST' ? [200, 303] : [200]);

describe('every admin page checks the session, the role and the council scope', () => {
  describe.each(pages)('$route', (c) => {
    it('without a session: to the sign-in page (GET) or 403 (POST), nothing shown', async () => {
      const response = await call(undefined, c, A);
      const text = await response.text();
      if (c.method === 'POST') expect(response.status).toBe(403);
      else {
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe(
          `/admin/sign-in?next=${encodeURIComponent(c.path(A))}`,
        );
      }
      expect(text).not.toContain('Nouveau Roubaix');
    });

    it("a coordinator of A: 403 for B's data and for admins' pages", async () => {
      if (c.unscoped && !c.adminOnly) return;
      const response = await call(nadia, c, B);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('Phalempins');
    });

    it('a coordinator of A: their own council, nothing of B', async () => {
      const response = await call(nadia, c, A);
      if (c.adminOnly) {
        expect(response.status).toBe(403);
        return;
      }
      expect(ok(c)).toContain(response.status);
      if (!c.binary) {
        const text = await response.text();
        expect(text).not.toContain('Phalempins');
        expect(text).not.toContain(B);
      }
    });

    it('an admin: any council', async () => {
      for (const council of [A, B]) {
        const response = await call(admin, c, council);
        expect(ok(c), `${c.path(council)}`).toContain(response.status);
      }
    });
  });
});

describe('CSRF', () => {
  const members = `/admin/councils/${A}/members`;

  it('a form post without the token, with a wrong one, or from another origin is refused', async () => {
    for (const [fields, headers] of [
      [{ members: '40' }, {}],
      [{ members: '40', csrf: 'x'.repeat(43) }, {}],
      [{ members: '40', csrf: admin.csrf }, { origin: 'https://evil.example' }],
      [{ members: '40', csrf: admin.csrf }, { origin: 'null' }],
      [{ members: '40', csrf: admin.csrf }, { 'sec-fetch-site': 'cross-site' }],
      [{ members: '40', csrf: admin.csrf }, { 'sec-fetch-site': 'same-site' }],
      [{ members: '40', csrf: nadia.csrf }, {}],
    ] as const) {
      const response = await admin.post(members, fields, headers);
      expect(response.status, JSON.stringify([fields, headers])).toBe(403);
    }
    expect((await findCouncil(database.db, A))?.members).toBeUndefined();
    const accepted = await admin.post(members, { members: '40', csrf: admin.csrf });
    expect(accepted.status).toBe(303);
    expect((await findCouncil(database.db, A))?.members).toBe(40);
    const audit = await readAudit(database.db);
    expect(audit.at(-1)).toMatchObject({
      action: 'council_members_set',
      details: { council: A, members: 40 },
      actor: { name: 'Admin national' },
    });
  });

  it('a bad members count is refused with a message, the stored one kept', async () => {
    const response = await admin.post(members, { members: 'quarante', csrf: admin.csrf });
    expect(response.headers.get('location')).toBe(`/admin/councils/${A}?saved=bad`);
    expect((await findCouncil(database.db, A))?.members).toBe(40);
    const page = await (await admin.get(`/admin/councils/${A}?saved=bad`)).text();
    expect(page).toContain('role="alert"');
  });

  it('the sign-in form needs its own token and cookie, and this origin', async () => {
    const form = await signInForm(site.url);
    const post = (fields: Record<string, string>, headers: Record<string, string>) =>
      fetch(`${site.url}/admin/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ credential: tokens.admin, ...fields }),
      });
    expect((await post({ csrf: form.csrf }, {})).status).toBe(403);
    expect((await post({}, { cookie: form.cookie })).status).toBe(403);
    expect(
      (await post({ csrf: form.csrf }, { cookie: form.cookie, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
    expect(
      (await post({ csrf: form.csrf }, { cookie: form.cookie, origin: site.url })).status,
    ).toBe(303);
  });

  it('sign-out needs the token too', async () => {
    const session = await signIn(site.url, tokens.coordinator);
    expect((await session.post('/admin/sign-out', {})).headers.get('location')).toBe('/admin');
    expect((await session.get('/admin')).status).toBe(200);
    const out = await session.post('/admin/sign-out', { csrf: session.csrf });
    expect(out.headers.get('location')).toBe('/admin/sign-in');
    expect((await session.get('/admin')).status).toBe(303);
  });
});

describe('sessions', () => {
  it('the cookie is HttpOnly, SameSite=Strict, on /admin, and only a hash of it is stored', async () => {
    const response = await postSignIn(site.url, tokens.admin);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('concerto_admin='));
    expect(cookie).toMatch(/; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=86400$/);
    const value = cookie?.split(';')[0]?.split('=')[1] ?? '';
    const sessions = database.db.collection<{ _id: string }>(collectionNames.adminSessions);
    expect(await sessions.findOne({ _id: value })).toBeNull();
    const hashed = createHash('sha256').update(value).digest('hex');
    expect(await sessions.findOne({ _id: hashed })).toMatchObject({
      credentialId: expect.any(String),
    });
  });

  it('the cookie is Secure when the site is served over https', async () => {
    // The same clock: signing in sweeps the sessions expired by its own.
    const https = await startAdminSite(
      database.db,
      { PUBLIC_URL: 'https://concerto.example' },
      { now: () => clock.now },
    );
    try {
      const response = await postSignIn(https.url, tokens.admin);
      expect(response.headers.getSetCookie().find((c) => c.startsWith('concerto_admin='))).toMatch(
        /; Secure$/,
      );
    } finally {
      await https.close();
    }
  });

  it('expires after 8 hours without use, and after 24 hours whatever the use', async () => {
    const start = clock.now;
    try {
      const idle = await signIn(site.url, tokens.admin);
      const busy = await signIn(site.url, tokens.admin);
      for (const hours of [7, 14, 21]) {
        clock.now = new Date(start.getTime() + hours * 3_600_000);
        expect((await busy.get('/admin/audit')).status, `${hours} h`).toBe(200);
      }
      // The idle one was last used at the start: past 8 h it is gone.
      expect((await idle.get('/admin')).status).toBe(303);
      clock.now = new Date(start.getTime() + adminSessionLimits.maxMs + 60_000);
      const late = await busy.get('/admin/audit');
      expect(late.status).toBe(303);
      expect(late.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Faudit');
      expect((await busy.post(`/admin/councils/${A}/members`, { csrf: busy.csrf })).status).toBe(
        403,
      );
    } finally {
      clock.now = start;
    }
  });

  it('a revoked credential ends its sessions at once', async () => {
    const made = await createCredential(database.db, {
      name: 'Temporaire',
      role: 'coordinator',
      councilIds: [A],
    });
    const session = await signIn(site.url, made.token);
    expect((await session.get('/admin')).status).toBe(200);
    await revokeCredential(database.db, made.credential._id);
    expect((await session.get('/admin')).status).toBe(303);
  });

  it('a wrong credential is refused on the page; past the limit, 429 even for a right one', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const limited = await startAdminSite(
      database.db,
      { TRUST_PROXY: 'true' },
      { maxFailures: 3, now: () => clock.now },
    );
    try {
      for (let i = 0; i < 3; i += 1) {
        const refused = await postSignIn(limited.url, `concerto.guess${i}`, from);
        expect(refused.status).toBe(401);
        expect(await refused.text()).toContain('aria-invalid="true"');
      }
      const blocked = await postSignIn(limited.url, tokens.admin, from);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(
        (await postSignIn(limited.url, tokens.admin, { 'x-forwarded-for': '198.51.100.3' })).status,
      ).toBe(303);
    } finally {
      await limited.close();
    }
  });

  it('ADMIN_TOKEN signs in as an admin while it is set', async () => {
    const session = await signIn(site.url, adminToken);
    expect((await session.get('/admin/audit')).status).toBe(200);
  });

  it('the sign-in page goes back only to a page of the admin site', async () => {
    const form = await signInForm(site.url);
    for (const [next, location] of [
      ['/admin/councils', '/admin/councils'],
      ['https://evil.example/admin', '/admin'],
      ['//evil.example/admin', '/admin'],
    ]) {
      const response = await fetch(`${site.url}/admin/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
        body: new URLSearchParams({ csrf: form.csrf, credential: tokens.admin, next: next ?? '' }),
      });
      expect(response.headers.get('location')).toBe(location);
    }
  });
});

describe('reminders', () => {
  it("a coordinator's wave is for their councils only, and they see only such waves", async () => {
    const repository = new ReminderRepository(database.db);
    const before = new Set(
      (await repository.listWaves({ consultationId: consultation.id })).map((w) => w._id),
    );
    expect((await nadia.post('/admin/reminders/send', { csrf: nadia.csrf })).status).toBe(303);
    expect((await admin.post('/admin/reminders/send', { csrf: admin.csrf })).status).toBe(303);
    const made = (await repository.listWaves({ consultationId: consultation.id })).filter(
      (w) => !before.has(w._id),
    );
    expect(made.map((w) => [w.origin.kind, w.councilIds])).toEqual([
      ['coordinator', [A]],
      ['admin', undefined],
    ]);
    const page = await (await nadia.get('/admin/reminders')).text();
    expect(page).toContain(`<td>${A}</td>`);
    expect(page).not.toContain('>tous<');
    const all = await (await admin.get('/admin/reminders')).text();
    expect(all).toContain('>tous<');
  });

  it('a coordinator linked to Telegram is told there when their wave is done, as after /remind', async () => {
    const repository = new ReminderRepository(database.db);
    const link = await createCoordinatorLink(database.db, { name: 'Karim', councilIds: [A] });
    expect(await linkCoordinator(database.db, link.code, 424_242)).not.toBeNull();
    const linked = await createCredential(database.db, {
      name: 'Karim',
      role: 'coordinator',
      councilIds: [A],
      coordinatorId: link.coordinatorId,
    });
    const karim = await signIn(site.url, linked.token);
    const before = new Set(
      (await repository.listWaves({ consultationId: consultation.id })).map((w) => w._id),
    );
    expect((await karim.post('/admin/reminders/send', { csrf: karim.csrf })).status).toBe(303);
    expect((await nadia.post('/admin/reminders/send', { csrf: nadia.csrf })).status).toBe(303);
    const made = (await repository.listWaves({ consultationId: consultation.id })).filter(
      (w) => !before.has(w._id),
    );
    // The sender tells `telegramUserId` (bot/reminders/start-reminder-service.ts); Nadia's
    // credential names no coordinator record, so hers has no one to tell.
    expect(made.map((w) => w.origin)).toEqual([
      {
        kind: 'coordinator',
        coordinatorId: link.coordinatorId,
        telegramUserId: 424_242,
        lang: 'fr',
      },
      { kind: 'coordinator', coordinatorId: expect.stringMatching(/^credential:/) },
    ]);
  });
});
