import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredential } from '../../storage/credentials.js';
import { findDraw, invitationsOf } from '../../storage/workshop-draws.js';
import { consultation, seedExportData } from '../exports/seeded-exports.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { createRequire } from 'node:module';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { seedDatabase } from '../helpers/export-seed.js';
import { startAdminServe } from './start-admin-serve.js';

const artifacts = 'test-artifacts/admin';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const A = 'QN05981M'; // Nouveau Roubaix: Nadia's council
const B = 'QN05983M'; // Phalempins (Tourcoing)
const viewports = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 375, height: 667 },
} as const;

let database: TestDatabase;
let site: { url: string; close(): Promise<void> };
let browser: Browser;
let fake: FakeTelegramApi;
/** Eve: on Telegram, in Nadia's council, three answers in: the one a reminder reaches there. */
const eveChat = 105;
const tokens = { admin: '', coordinator: '' };

beforeAll(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  database = await useTestDatabase();
  await seedExportData(database.db);
  await (
    await seedDatabase(database.db)
  ).play({
    identity: { channel: 'telegram', externalId: String(eveChat) },
    councilId: A,
    texts: ['Plus de bus le soir'],
    answers: 3,
    at: new Date('2017-11-29T18:00:00Z'),
  });
  tokens.admin = (
    await createCredential(database.db, { name: 'Admin national', role: 'admin' })
  ).token;
  tokens.coordinator = (
    await createCredential(database.db, { name: 'Nadia', role: 'coordinator', councilIds: [A] })
  ).token;
  fake = await FakeTelegramApi.start();
  site = await startAdminServe(database, fake);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await fake?.close();
  await database?.drop();
});

/** A fresh browser profile signed in through the form, on the overview. */
async function signedIn(
  token: string,
  viewport: { width: number; height: number } = viewports.laptop,
): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP lets the test add axe-core; the pages themselves run under their CSP.
  const context = await browser.newContext({
    viewport,
    bypassCSP: true,
    acceptDownloads: true,
    locale: 'fr-FR',
  });
  const page = await context.newPage();
  await page.goto(`${site.url}/admin`);
  expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
  await page.getByLabel("Votre identifiant d'accès").fill(token);
  await Promise.all([
    page.waitForURL(`${site.url}/admin`),
    page.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
  return { context, page };
}

describe('the admin page in Chromium', () => {
  it('a coordinator sees only their councils, downloads an export, opens the synthesis; 403 elsewhere', async () => {
    const { context, page } = await signedIn(tokens.coordinator);
    try {
      await expect.poll(() => page.locator('main').innerText()).toContain('Nouveau Roubaix');
      expect(await page.locator('main').innerText()).not.toContain('Phalempins');
      expect(await page.getByRole('navigation').innerText()).not.toMatch(/Journal|Tirage/);

      await page.getByRole('link', { name: 'Conseils' }).click();
      const councils = await page.locator('main table tbody tr').allInnerTexts();
      expect(councils).toHaveLength(1);
      expect(councils[0]).toContain('Nouveau Roubaix');

      for (const path of [
        `/admin/councils/${B}`,
        `/admin/exports/answers?council=${B}`,
        `/admin?council=${B}`,
        `/admin/synthesis/report.html?council=${B}`,
        '/admin/audit',
        '/admin/draw',
      ]) {
        const response = await page.goto(`${site.url}${path}`);
        expect(response?.status(), path).toBe(403);
        expect(await page.content()).not.toContain('Phalempins');
      }
      await page.screenshot({ path: `${artifacts}/coordinator-403.png` });

      await page.goto(`${site.url}/admin/exports`);
      await page.getByLabel('Participants', { exact: true }).check();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Télécharger' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^concerto-participants-.*\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      expect(csv).toContain(A);
      expect(csv).not.toContain(B);

      await page.goto(`${site.url}/admin/synthesis`);
      await page.getByRole('button', { name: 'Ouvrir la synthèse' }).click();
      await page.waitForURL(/\/admin\/synthesis\/report\.html/);
      expect(await page.locator('h1').innerText()).toContain('Synthèse');
      expect(await page.content()).not.toContain('Phalempins');
      await page.screenshot({ path: `${artifacts}/coordinator-synthesis.png` });
    } finally {
      await context.close();
    }
  });

  it('an admin sees every council, sets a council’s members, runs the draw, plans and sends a reminder wave', async () => {
    const { context, page } = await signedIn(tokens.admin);
    try {
      const main = await page.locator('main').innerText();
      for (const name of ['Nouveau Roubaix', 'Phalempins', 'Grande Reyssouze'])
        expect(main).toContain(name);
      expect(await page.getByRole('navigation').innerText()).toMatch(/Journal/);

      await page.getByRole('link', { name: 'Conseils' }).click();
      await page.getByLabel('Chercher un conseil').fill('tourcoing');
      await page.getByRole('button', { name: 'Chercher' }).click();
      await page.getByRole('link', { name: 'Phalempins' }).click();
      expect(new URL(page.url()).pathname).toBe(`/admin/councils/${B}`);
      await page.getByLabel('Nombre de membres du conseil').fill('4');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('enregistré');
      // Ben has not finished: 0 of 4 members.
      expect(await page.locator('.cards').innerText()).toMatch(/0\s*%/);
      const qr = await page.request.get(`${site.url}/admin/councils/${B}/qr-web.svg`);
      expect(qr.headers()['content-type']).toBe('image/svg+xml');
      expect(await qr.text()).toMatch(/^<svg/);
      const png = await page.request.get(`${site.url}/admin/councils/${B}/qr-telegram.png`);
      expect((await png.body()).subarray(1, 4).toString()).toBe('PNG');
      expect(
        await page.getByRole('link', { name: /t\.me\/concerto_test_bot\?start=/ }).count(),
      ).toBe(1);
      await page.screenshot({ path: `${artifacts}/admin-council.png`, fullPage: true });

      await page.getByRole('link', { name: "Tirage de l'atelier" }).click();
      await page.getByLabel('Nombre de places').fill('1');
      await page.getByLabel('Graine publiée').fill('loto 2017-12-06 7 12 23 34 41');
      await page.getByLabel('le conseil citoyen').check();
      await page.getByRole('button', { name: 'Tirer au sort' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toMatch(/Tirage enregistré : 1 tirés/);
      const recorded = await findDraw(
        database.db,
        consultation.id,
        'loto 2017-12-06 7 12 23 34 41',
      );
      expect(recorded?.drawn).toHaveLength(1);
      expect(await page.locator('main').innerText()).toContain(recorded?.drawn[0]?.key ?? '?');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Télécharger la liste (CSV)' }).click(),
      ]);
      const list = readFileSync(await download.path(), 'utf8');
      expect(list).toContain(`${recorded?.drawn[0]?.key},yes`);
      await page.screenshot({ path: `${artifacts}/admin-draw.png`, fullPage: true });

      // The earlier draws: date, seed, seats, criteria, who ran it, and its lists.
      await page.getByRole('link', { name: "Tirage de l'atelier" }).click();
      const history = page.locator('table', { hasText: 'loto 2017-12-06 7 12 23 34 41' });
      expect(await history.innerText()).toMatch(
        /loto 2017-12-06 7 12 23 34 41\s+1\s+1 \/ \d+\s+le conseil citoyen\s+Admin national\s+pas encore envoyées/,
      );
      const [again] = await Promise.all([
        page.waitForEvent('download'),
        history.getByRole('link', { name: 'Liste (contacts masqués)' }).first().click(),
      ]);
      expect(readFileSync(await again.path(), 'utf8')).toContain(`${recorded?.drawn[0]?.key},1,1,`);
      // Sending the invitations: a confirmation form, then once each, audited.
      await history.getByRole('link', { name: 'Envoyer les invitations' }).first().click();
      expect(await page.locator('main').innerText()).toContain('1 volontaires tirés');
      await page.screenshot({ path: `${artifacts}/admin-draw-invite.png`, fullPage: true });
      await page
        .getByLabel('Le message : date, lieu, comment confirmer')
        .fill('Samedi 16 décembre, 9 h 30.');
      await page.getByRole('button', { name: 'Envoyer les invitations' }).click();
      // The box was not ticked: the browser keeps the form (required), nothing is sent.
      expect(new URL(page.url()).pathname).toBe('/admin/draw/invite');
      expect((await findInvitations())?.size ?? 0).toBe(0);
      await page.getByLabel(/J'envoie maintenant l'invitation à 1 volontaires/).check();
      await page.getByRole('button', { name: 'Envoyer les invitations' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toMatch(/Invitations : \d envoyées, \d en attente/);
      const invitations = await findInvitations();
      expect(invitations?.size).toBe(1);
      expect(['sent', 'held']).toContain([...(invitations?.values() ?? [])][0]?.status);
      await page.screenshot({ path: `${artifacts}/admin-draw-invited.png`, fullPage: true });
      const [full] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Liste avec les contacts complets' }).click(),
      ]);
      expect(readFileSync(await full.path(), 'utf8')).toMatch(
        /^\uFEFFpseudonym,stratum,rank_in_stratum,council,lang,route,invitation,contact/,
      );

      await page.getByRole('link', { name: 'Relances' }).click();
      await page.getByRole('button', { name: 'Voir qui serait relancé' }).click();
      // Eve (Telegram) and Ben (web, told at his next visit); Ana and Chloe, finished, are not asked.
      expect(await page.getByRole('status').innerText()).toMatch(
        /toucherait 2 personnes ; 0 seraient sautées/,
      );
      await page.screenshot({ path: `${artifacts}/admin-reminder-plan.png`, fullPage: true });
      await page.getByRole('button', { name: 'Envoyer la relance à 2 personnes' }).click();
      await page.waitForURL(/\/admin\/reminders\?created=/);
      await expect
        .poll(
          () =>
            fake.callsOf('sendMessage').filter((c) => Number(c.params['chat_id']) === eveChat)
              .length,
          {
            timeout: 20_000,
          },
        )
        .toBe(1);
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.locator('main table tbody tr').first().innerText();
          },
          { timeout: 20_000 },
        )
        .toMatch(/terminée\s+2\s+1\s+1\s+0\s+0\s+0/);
      await page.screenshot({ path: `${artifacts}/admin-reminders.png`, fullPage: true });

      await page.getByRole('link', { name: 'Journal' }).click();
      const audit = await page.locator('main table').innerText();
      expect(audit).toContain('workshop_draw');
      expect(audit).toContain('workshop_invite');
      // The download with the full contacts is on record.
      expect(audit).toMatch(/workshop_contacts[^\n]*raw=true/);
      expect(audit).toContain('council_members_set');
      expect(audit).toContain('reminder_wave_created');
    } finally {
      await context.close();
    }
  });

  const pages = [
    { name: 'overview', path: '/admin' },
    { name: 'overview-council', path: `/admin?council=${A}` },
    { name: 'councils', path: '/admin/councils?q=roubaix' },
    { name: 'council', path: `/admin/councils/${A}` },
    { name: 'reminders', path: '/admin/reminders' },
    { name: 'exports', path: '/admin/exports' },
    { name: 'export-problems', path: '/admin/exports/download?kind=answers&format=pdf' },
    { name: 'synthesis', path: '/admin/synthesis' },
    { name: 'synthesis-report', path: '/admin/synthesis/report.html' },
    { name: 'draw', path: '/admin/draw' },
    { name: 'audit', path: '/admin/audit' },
    { name: 'not-found', path: '/admin/councils/QN99999Z' },
  ];

  for (const [size, viewport] of Object.entries(viewports))
    it(`every page passes axe-core with no violation, and fits, on a ${size} (${viewport.width}×${viewport.height}), in French and English`, async () => {
      const context = await browser.newContext({ viewport, bypassCSP: true, locale: 'fr-FR' });
      const check = async (page: Page, name: string) => {
        // Screenshots of every page in French, and of the overview in English.
        if (name.endsWith('-fr') || name === 'overview-en')
          await page.screenshot({ path: `${artifacts}/${size}-${name}.png`, fullPage: true });
        expect(await axeViolations(page), name).toEqual([]);
        const wide = await page.evaluate(() =>
          document.documentElement.scrollWidth > innerWidth
            ? Array.from(document.querySelectorAll('body *'))
                .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
                .filter((e) => !e.closest('.scroll'))
                .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
                .slice(0, 5)
            : [],
        );
        expect(wide, `${name} scrolls sideways`).toEqual([]);
      };
      try {
        const page = await context.newPage();
        await page.goto(`${site.url}/admin/sign-in`);
        await check(page, 'sign-in-fr');
        await page.locator('#credential').fill('concerto.wrong');
        await page.getByRole('button', { name: 'Se connecter' }).click();
        await check(page, 'sign-in-refused-fr');
        await page.locator('#credential').fill(tokens.admin);
        await Promise.all([
          page.waitForURL(`${site.url}/admin`),
          page.getByRole('button', { name: 'Se connecter' }).click(),
        ]);
        // Every page in French at both sizes; in English on the laptop (the same markup).
        for (const lang of size === 'phone' ? (['fr'] as const) : (['fr', 'en'] as const)) {
          for (const { name, path } of pages) {
            // The report is big and axe-tested with the synthesis: once, on the laptop in French.
            if (name === 'synthesis-report' && (size === 'phone' || lang === 'en')) continue;
            await page.goto(`${site.url}${path}`);
            expect(await page.getAttribute('html', 'lang')).toBe(
              name === 'synthesis-report' ? 'fr' : lang,
            );
            await check(page, `${name}-${lang}`);
          }
          await page.goto(`${site.url}/admin/reminders`);
          await page.locator('form[action="/admin/reminders/plan"] button').click();
          await page.waitForURL(`${site.url}/admin/reminders/plan`);
          await check(page, `reminder-plan-${lang}`);
          await page.goto(`${site.url}/admin/draw`);
          await page.locator('#seats').fill('1');
          await page.locator('#seed').fill(`axe ${size}`);
          await page.locator('form[action="/admin/draw"] button[type=submit]').click();
          await page.waitForSelector('[role=status]');
          await check(page, `draw-result-${lang}`);
          await page.locator('main a[href^="/admin/draw/invite?"]').first().click();
          await page.waitForSelector('form[action="/admin/draw/invite"]');
          await check(page, `draw-invite-${lang}`);
          if (lang === 'fr') {
            await page.getByRole('link', { name: 'English' }).click();
            await page.waitForFunction(() => document.documentElement.lang === 'en');
          }
        }
        // A coordinator's refusal page.
        const coordinator = await signedIn(tokens.coordinator, viewport);
        await coordinator.page.goto(`${site.url}/admin/councils/${B}`);
        await check(coordinator.page, 'forbidden-fr');
        await coordinator.context.close();
      } finally {
        await context.close();
      }
    }, 120_000);
});

/** The invitations of the admin's draw, by participant. */
function findInvitations() {
  return invitationsOf(database.db, `${consultation.id}:loto 2017-12-06 7 12 23 34 41`);
}

/** Every axe-core violation (any impact) as "rule (impact): targets"; passes are not collected. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = Reflect.get(window, 'axe');
    const result: unknown = await axe.run(document, { resultTypes: ['violations'] });
    const violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] =
      Reflect.get(Object(result), 'violations');
    return violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}
