import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPageGzippedBytes } from '../../bot/web/chat-page-routes.js';
import { replyToActivity } from '../../bot/web/reply-to-activity.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { DirectLineRepository } from '../../storage/directline-repository.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import {
  axeViolations,
  botCount,
  promptOnScreen,
  readabilityProblems,
  settled,
  waitForBot,
  type ScreenPrompt,
} from './chat-page-driver.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const artifacts = 'test-artifacts/web';
const sentence = 'Plus de bus le soir et une salle pour les jeunes.';
let web: WebServer;
let browser: Browser;

beforeAll(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  web = await startWebServer({ PRIVACY_CONTACT: 'dpo@example.org' });
  const rows = [
    {
      code: 'QN05981M',
      name: 'Les Quartiers Ouest',
      commune: 'Lille',
      communeInsee: '59350',
      department: '59',
      departmentName: 'Nord',
    },
    {
      code: 'QN05912M',
      name: 'Alma Gare',
      commune: 'Roubaix',
      communeInsee: '59512',
      department: '59',
      departmentName: 'Nord',
    },
  ];
  await importCouncils(web.runtime.db, rows);
  await addInvitationCode(web.runtime.db, 'QN05981M', 'RBX7KQ');
  await addInvitationCode(web.runtime.db, 'QN05912M', 'ALMA42');
  await web.runtime.refreshCouncils();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

async function phone(width: number, height: number, locale = 'fr-FR'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width, height },
    hasTouch: true,
    isMobile: true,
    locale,
    reducedMotion: 'reduce',
    bypassCSP: true, // lets the test inject axe-core; the page itself runs under its CSP
  });
}

/** Taps a button of the prompt on screen. */
function tapButton(page: Page, choiceId: string): Promise<void> {
  return page.locator(`#answer button[data-choice="${choiceId}"]`).click();
}

interface Run {
  page: Page;
  dir: string;
  shots: number;
  /** Checks made at every step, by name, with what went wrong. */
  problems: string[];
  /** What a step found worth checking once (multiple choice, refused text…). */
  seen: Set<string>;
}

/** Screenshot and bounding-box check of the step just taken (and where the focus went). */
async function check(run: Run, name: string, afterTap = true, tapped?: string): Promise<void> {
  run.shots += 1;
  await run.page.screenshot({
    path: `${run.dir}/${String(run.shots).padStart(2, '0')}-${name}.png`,
  });
  for (const problem of await readabilityProblems(run.page, tapped))
    run.problems.push(`${name}: ${problem}`);
  const focus = await run.page.evaluate(() => {
    const el = document.activeElement;
    return !el || el === document.body
      ? 'body'
      : el.closest('#log, #answer')
        ? 'conversation'
        : el.id;
  });
  if (afterTap && focus === 'body')
    run.problems.push(`${name}: the focus fell back to the page body`);
}

/**
 * A multiple choice, by taps: two options ticked (and, once per run, two more: one too many),
 * each tick updating the list in place, then « Valider ».
 */
async function answerMultiple(
  run: Run,
  prompt: ScreenPrompt,
  how: { tooMany: boolean; keyboard: boolean },
): Promise<void> {
  const { page } = run;
  const options = prompt.choices.filter((c) => !c.choiceId.startsWith('_'));
  const picks = options.slice(0, how.tooMany ? 4 : 2);
  for (const [i, option] of picks.entries()) {
    if (how.keyboard && i === 0) {
      // From the question (where a tap left the focus), Tab reaches the first option, Space ticks.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-choice'))).toBe(
        option.choiceId,
      );
      await page.keyboard.press('Space');
      run.seen.add('keyboard');
    } else await tapButton(page, option.choiceId);
    const button = page.locator(`#choices button[data-choice="${option.choiceId}"]`);
    // Ticked at once, and still ticked once the bot has answered (except one too many).
    await settled(page);
    const after = await promptOnScreen(page);
    expect(after.bubbles, 'a tick adds no bubble').toBe(prompt.bubbles);
    if (i < 3) expect(await button.getAttribute('aria-pressed')).toBe('true');
    await check(run, `${prompt.promptId}-tick-${i + 1}`, true, option.choiceId);
  }
  if (how.tooMany) {
    // Three at most here: the fourth is undone and the reason is shown by the choices.
    const note = page.locator('#choice-note');
    await note.waitFor();
    expect((await note.textContent())?.trim()).not.toBe('');
    const box = await note.boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height).toBe(true);
    const fourth = page.locator(`#choices button[data-choice="${picks[3]?.choiceId}"]`);
    expect(await fourth.getAttribute('aria-pressed')).toBe('false');
    expect((await promptOnScreen(page)).bubbles).toBe(prompt.bubbles);
    // A tick taken back, and given again.
    const first = page.locator(`#choices button[data-choice="${picks[0]?.choiceId}"]`);
    for (const pressed of ['false', 'true']) {
      await first.click();
      await settled(page);
      expect(await first.getAttribute('aria-pressed')).toBe(pressed);
    }
    expect((await promptOnScreen(page)).bubbles).toBe(prompt.bubbles);
    run.seen.add('too-many');
  }
  const bots = await botCount(page);
  await tapButton(page, '_done');
  await waitForBot(page, bots);
  run.seen.add('multiple');
}

/**
 * One step of a resident who answers everything by tapping: accepts, takes the first option,
 * ticks two on a multiple choice, writes a sentence when there is nothing to tap, confirms the
 * review. False once the questionnaire is finished.
 */
async function step(
  run: Run,
  options: { tooMany: boolean; refuse: boolean; keyboard: boolean },
): Promise<boolean> {
  const { page } = run;
  const prompt = await promptOnScreen(page);
  const id = (choiceId: string) => prompt.choices.find((c) => c.choiceId === choiceId);
  if (prompt.promptId === '_done') return false;
  if (prompt.multiSelect) {
    await answerMultiple(run, prompt, {
      tooMany: options.tooMany && !run.seen.has('too-many'),
      keyboard: options.keyboard && !run.seen.has('keyboard'),
    });
    return true;
  }
  const real = prompt.choices.find(
    (c) => !c.choiceId.startsWith('_') && c.choiceId !== 'other' && c.choiceId !== 'no',
  );
  const pick =
    prompt.promptId === '_consent'
      ? id('yes')
      : prompt.promptId === '_review'
        ? id('confirm')
        : run.seen.has(`tapped:${prompt.promptId}`) && id('_done')
          ? id('_done')
          : real;
  const bots = await botCount(page);
  if (pick) {
    run.seen.add(`tapped:${prompt.promptId}`);
    await tapButton(page, pick.choiceId);
    await waitForBot(page, bots);
    return true;
  }
  if (options.refuse && !run.seen.has('refused')) {
    // Too long for the question: refused, and the text stays in the box to be shortened.
    const long = `${sentence} `.repeat(16).trim();
    await page.locator('#text').fill(long);
    await page.locator('#text').press('Enter');
    await waitForBot(page, bots);
    expect(await page.locator('#text').inputValue()).toBe(long);
    await check(run, 'refused-text-kept');
    run.seen.add('refused');
    await page.locator('#text').fill(sentence);
    await page.locator('#text').press('Enter');
    await waitForBot(page, await botCount(page));
    return true;
  }
  await page.locator('#text').fill(sentence);
  await page.locator('#text').press('Enter');
  await waitForBot(page, bots);
  return true;
}

const viewports = [
  { width: 320, height: 568, link: '/c/RBX7KQ' },
  { width: 360, height: 640, link: '/c/rbx7kq' },
  { width: 390, height: 844, link: '/c/RBX7KQ.' },
  { width: 390, height: 480, link: '/c/RBX7KQ/' },
];

describe('the chat page in a phone browser', () => {
  it('is small: at most 60 KB gzipped', () => {
    expect(chatPageGzippedBytes(web.runtime.catalog)).toBeLessThan(60 * 1024);
  });

  for (const [index, { width, height, link }] of viewports.entries()) {
    it(`at ${width}×${height}, opened from ${link}, the whole questionnaire by tapping keeps every question readable`, async () => {
      const context = await phone(width, height);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const run: Run = {
        page,
        dir: `${artifacts}/${width}x${height}`,
        shots: 0,
        problems: [],
        seen: new Set(),
      };
      mkdirSync(run.dir, { recursive: true });
      await page.goto(`${web.baseUrl}${link}`);
      await page.locator('#answer button[data-choice="yes"]').waitFor();
      await settled(page);
      expect(new URL(page.url()).pathname).toBe('/c/RBX7KQ');
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      await check(run, 'consent', false);
      expect(await axeViolations(page)).toEqual([]);

      let steps = 0;
      let axedMultiple = false;
      for (; steps < 80; steps += 1) {
        const more = await step(run, {
          tooMany: index === 1,
          refuse: index === 0,
          keyboard: index === 2,
        });
        if (!more) break;
        await check(run, `step-${steps}`);
        if (!axedMultiple && (await promptOnScreen(page)).multiSelect) {
          expect(await axeViolations(page)).toEqual([]);
          axedMultiple = true;
        }
        if (index === 2 && steps === 8) await reloadAndGoOffline(run);
      }
      expect(steps).toBeLessThan(80);
      expect(run.problems).toEqual([]);
      expect(run.seen.has('multiple')).toBe(true);
      if (index === 0) expect(run.seen.has('refused')).toBe(true);
      if (index === 1) expect(run.seen.has('too-many')).toBe(true);
      if (index === 2) expect(run.seen.has('keyboard')).toBe(true);
      expect(await page.locator('#progressbar').getAttribute('aria-valuenow')).toBe('100');
      expect(
        await page
          .locator('#progressbar')
          .evaluate((el) =>
            Boolean(
              el.closest('header, main, nav, footer, [role=region], section[aria-labelledby]'),
            ),
          ),
      ).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      expect(await participantOf(page)).toMatchObject({
        councilId: 'QN05981M',
        status: 'completed',
      });

      if (index === 2) await zoomAndSwitchLanguage(run);
      if (index === 3) await anotherCouncilLink(run);
      await context.close();
    }, 120_000);
  }

  it('follows the browser language for a new visitor, and shows the limit of a free text', async () => {
    const context = await phone(390, 844, 'en-GB');
    const page = await context.newPage();
    await page.goto(`${web.baseUrl}/`);
    const accept = page.locator('#answer button[data-choice="yes"]');
    await accept.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#send').textContent()).toBe('Send');
    expect((await accept.textContent())?.trim()).toBe(web.runtime.catalog.en['consent.accept']);
    expect(await page.locator('footer a[href="/confidentialite"]').textContent()).toBe(
      web.runtime.catalog.en['web.footer.privacy'],
    );

    // Replies the engine gives in ways today's questionnaire does not reach, as the bot sends
    // them: a numbered multiple choice, then a free text with a limit.
    const conversationId = await page.evaluate(
      () => JSON.parse(localStorage.getItem('concerto.session') ?? '{}').conversationId,
    );
    const repo = new DirectLineRepository(web.runtime.db);
    const userId = (await repo.findConversation(String(conversationId)))?.userId ?? '';
    const botSays = async (reply: EngineReply) => {
      const activity = replyToActivity(reply, 'en', web.runtime.catalog, userId);
      const from = { id: 'concerto', role: 'bot' };
      await repo.append(String(conversationId), [{ activity: { ...activity, from } }], new Date());
      await page.reload();
      await page.locator('#log .msg.bot').first().waitFor();
      await settled(page);
    };
    await botSays({
      text: 'Type the numbers, for example: 1, 3',
      promptId: 'edu_idees',
      multiSelect: true,
      numbered: true,
      choices: [
        { id: 'devoirs', label: '✓ Homework help' },
        { id: 'classes', label: 'Smaller classes' },
        { id: '_done', label: 'Confirm' },
      ],
    });
    expect(await page.locator('#choices button .num').allTextContents()).toEqual(['1', '2']);
    expect(await page.locator('#choices button .label').allTextContents()).toEqual([
      'Homework help',
      'Smaller classes',
    ]);
    expect(
      await page
        .locator('#choices button')
        .evaluateAll((b) => b.map((el) => el.getAttribute('aria-pressed'))),
    ).toEqual(['true', 'false']);
    expect(await page.locator('#actions button .num').count()).toBe(0);
    await page.screenshot({ path: `${artifacts}/english-numbered.png` });

    // A free text with a limit: the limit shows before typing, a counter near it, a warning beyond.
    await botSays({ text: 'Tell us in a few words.', promptId: 'edu_marche', textLimit: 50 });
    const limit = page.locator('#text-limit');
    await page.waitForFunction(() => document.getElementById('text-limit')?.hidden === false);
    expect(await limit.textContent()).toBe('50 characters at most');
    await page.locator('#text').fill('x'.repeat(45));
    expect(await limit.textContent()).toBe('45 / 50 characters');
    await page.locator('#text').fill('x'.repeat(60));
    expect(await limit.textContent()).toBe('60 / 50 characters: 10 too many');
    expect(await page.locator('#text').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${artifacts}/english-text-limit.png` });
    await context.close();
  });

  it('serves the legal, privacy and accessibility pages without an accessibility violation', async () => {
    const context = await phone(320, 568);
    const page = await context.newPage();
    for (const path of ['/mentions-legales', '/confidentialite', '/accessibilite']) {
      const response = await page.goto(`${web.baseUrl}${path}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.locator('section[lang="en"] h2').count()).toBe(1);
      expect(await page.locator('a[href="mailto:dpo@example.org"]').count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        320,
      );
      await page.screenshot({
        path: `${artifacts}/page${path.replace('/', '-')}.png`,
        fullPage: true,
      });
      expect(await axeViolations(page)).toEqual([]);
    }
    const response = await page.goto(`${web.baseUrl}/c/NOPE99`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('a[href="/"]').count()).toBeGreaterThan(1);
    await page.screenshot({ path: `${artifacts}/unknown-code.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

/** The participant behind the page's conversation, as stored. */
async function participantOf(page: Page): Promise<Record<string, unknown> | null> {
  const conversationId = await page.evaluate(
    () => JSON.parse(localStorage.getItem('concerto.session') ?? '{}').conversationId,
  );
  const conversation = await new DirectLineRepository(web.runtime.db).findConversation(
    String(conversationId),
  );
  const identity = await web.runtime.db
    .collection<{ _id: string; participantId: string }>('identities')
    .findOne({ _id: `web:${conversation?.userId}` });
  return web.runtime.db
    .collection<{ _id: string }>('participants')
    .findOne({ _id: identity?.participantId ?? '' });
}

/** Mid-questionnaire: a reload shows the same question, a lost network keeps the answer. */
async function reloadAndGoOffline(run: Run): Promise<void> {
  const { page } = run;
  const before = await promptOnScreen(page);
  const progress = await page.locator('#progressbar').getAttribute('aria-valuenow');
  await page.reload();
  await page.locator('#log .msg.bot').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#answer button').length > 0);
  await settled(page);
  const after = await promptOnScreen(page);
  expect(after.promptId).toBe(before.promptId);
  expect(after.choices).toEqual(before.choices);
  expect(await page.locator('#progressbar').getAttribute('aria-valuenow')).toBe(progress);
  await check(run, 'reloaded', false);

  await page.context().setOffline(true);
  const option = after.choices.find((c) => !c.choiceId.startsWith('_')) ?? after.choices[0];
  const bots = await botCount(page);
  if (after.multiSelect) {
    await tapButton(page, option?.choiceId ?? '');
    await tapButton(page, '_done');
  } else await tapButton(page, option?.choiceId ?? '');
  await page.locator('#log .msg.me.pending').waitFor();
  await check(run, 'offline-pending');
  await page.context().setOffline(false);
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, bots, {
    timeout: 20_000,
  });
  await settled(page);
  expect(await page.locator('#log .msg.me.pending').count()).toBe(0);
}

/** At 200 % zoom nothing scrolls sideways; the language switch is two taps. */
async function zoomAndSwitchLanguage(run: Run): Promise<void> {
  const { page } = run;
  await page.setViewportSize({ width: 195, height: 422 });
  await page.screenshot({ path: `${run.dir}/zoom-200.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(195);
  await page.setViewportSize({ width: 390, height: 844 });
  const bots = await botCount(page);
  await page.locator('#lang').click();
  await waitForBot(page, bots);
  await page.locator('#answer button[data-choice="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  expect(await page.locator('#send').textContent()).toBe('Send');
  await page.screenshot({ path: `${run.dir}/english.png` });
}

/** A phone that already has a conversation opens another council's link: the bot is told. */
async function anotherCouncilLink(run: Run): Promise<void> {
  const { page } = run;
  const started = page.waitForRequest(
    (req) => req.method() === 'POST' && /"name":"start"/.test(req.postData() ?? ''),
  );
  await page.goto(`${web.baseUrl}/c/alma42.`);
  const body: unknown = JSON.parse((await started).postData() ?? '{}');
  expect(body).toMatchObject({ type: 'event', name: 'start', value: 'ALMA42' });
  expect(new URL(page.url()).pathname).toBe('/c/ALMA42');
  await page.waitForFunction(() => localStorage.getItem('concerto.outbox') === '[]');
  // The same link again (a reload): nothing more to tell.
  let again = false;
  page.on('request', (req) => {
    if (/"name":"start"/.test(req.postData() ?? '')) again = true;
  });
  await page.reload();
  await page.locator('#log .msg.bot').first().waitFor();
  await settled(page);
  expect(again).toBe(false);
}
