import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/launch-chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatPageGzippedBytes } from '../../bot/web/chat-page-routes.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { nextAnswer, type Prompt } from './next-answer.js';
import { startWebServer, type WebServer } from './start-web-server.js';

const artifacts = 'test-artifacts/web';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let web: WebServer;
let browser: Browser;
let shot = 0;

beforeAll(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  web = await startWebServer();
  const row = {
    code: 'QN05981M',
    name: 'Les Quartiers Ouest',
    commune: 'Lille',
    communeInsee: '59350',
    department: '59',
    departmentName: 'Nord',
  };
  await importCouncils(web.runtime.db, [row]);
  await addInvitationCode(web.runtime.db, 'QN05981M', 'RBX7KQ');
  await web.runtime.refreshCouncils();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

async function snap(page: Page, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: `${artifacts}/${String(shot).padStart(2, '0')}-${name}.png` });
}

/** The buttons on screen and the prompt they answer. */
async function promptOnScreen(page: Page): Promise<Prompt> {
  return page.evaluate(() => {
    const box = document.getElementById('choices');
    const buttons = Array.from(box?.querySelectorAll('button') ?? []);
    return {
      promptId: box?.dataset.prompt || undefined,
      choices: buttons.map((b) => ({
        choiceId: b.dataset.choice ?? '',
        title: b.textContent ?? '',
      })),
    };
  });
}

/** Answers like a person, one step; waits for the bot's answer; false when finished. */
async function step(page: Page, tapped: Set<string>): Promise<boolean> {
  const prompt = await promptOnScreen(page);
  const answer = nextAnswer(prompt, tapped);
  if (answer.kind === 'finished') return false;
  const bots = await page.locator('#log .msg.bot').count();
  if (answer.kind === 'tap') {
    tapped.add(prompt.promptId ?? '');
    await page.locator(`#choices button[data-choice="${answer.choiceId}"]`).click();
  } else {
    await page.locator('#text').fill(answer.text);
    await page.locator('#text').press('Enter');
  }
  await page.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, bots);
  await page.waitForFunction(() => document.getElementById('typing')?.hidden === true);
  return true;
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const ids = await page.evaluate(async () => {
    const axe = Reflect.get(window, 'axe');
    const result: unknown = await axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    const violations: { id: string; impact: string | null }[] = Reflect.get(
      Object(result),
      'violations',
    );
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact})`);
  });
  return ids;
}

describe('the chat page in a phone browser', () => {
  it('is small: at most 60 KB gzipped', () => {
    expect(chatPageGzippedBytes(web.runtime.catalog)).toBeLessThan(60 * 1024);
  });

  it('runs from an invitation link through a theme, survives a reload and a lost network, and finishes', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      locale: 'fr-FR',
      reducedMotion: 'reduce',
      bypassCSP: true, // lets the test inject axe-core; the page itself runs under its CSP
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${web.baseUrl}/c/RBX7KQ`);
    await page.locator('#choices button[data-choice="yes"]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await snap(page, 'consent');
    expect(await seriousViolations(page)).toEqual([]);

    const tapped = new Set<string>();
    // Consent, then questions until the second theme starts: the council came from the link.
    for (let i = 0; i < 30; i += 1) {
      await step(page, tapped);
      await snap(page, `step-${i}`);
      if ((await page.locator('#progress-text').textContent())?.includes('Thème 2')) break;
    }
    expect(await page.locator('#progress-text').textContent()).toContain('Thème 2');
    const progressBefore = Number(await page.locator('#progressbar').getAttribute('aria-valuenow'));
    expect(progressBefore).toBeGreaterThan(0);
    const promptBefore = await promptOnScreen(page);

    await page.reload();
    await page.locator('#log .msg.bot').first().waitFor();
    await page.waitForFunction(
      () =>
        (document.getElementById('choices')?.children.length ?? 0) > 0 ||
        document.querySelectorAll('#log .msg').length > 3,
    );
    await snap(page, 'reloaded');
    expect(await promptOnScreen(page)).toEqual(promptBefore);
    expect(Number(await page.locator('#progressbar').getAttribute('aria-valuenow'))).toBe(
      progressBefore,
    );

    // The network drops while answering: the message waits, marked, and goes when it is back.
    await context.setOffline(true);
    const offlinePrompt = await promptOnScreen(page);
    const offlineAnswer = nextAnswer(offlinePrompt, tapped);
    if (offlineAnswer.kind === 'tap') {
      tapped.add(offlinePrompt.promptId ?? '');
      await page.locator(`#choices button[data-choice="${offlineAnswer.choiceId}"]`).click();
    } else if (offlineAnswer.kind === 'type') {
      await page.locator('#text').fill(offlineAnswer.text);
      await page.locator('#text').press('Enter');
    }
    await page.locator('#log .msg.me.pending').waitFor();
    await snap(page, 'offline-pending');
    const bots = await page.locator('#log .msg.bot').count();
    await context.setOffline(false);
    await page.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, bots, {
      timeout: 20_000,
    });
    expect(await page.locator('#log .msg.me.pending').count()).toBe(0);

    let finished = false;
    for (let i = 0; i < 60 && !finished; i += 1) {
      finished = !(await step(page, tapped));
      await snap(page, `more-${i}`);
    }
    expect(finished).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    expect(await page.locator('#progressbar').getAttribute('aria-valuenow')).toBe('100');
    // Zoomed to 200 %: half the CSS pixels, and still no sideways scrolling.
    await page.setViewportSize({ width: 195, height: 422 });
    await snap(page, 'zoom-200');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      195,
    );
    await page.setViewportSize({ width: 390, height: 844 });

    // The language switch: the bot asks, the page follows the answer.
    await page.locator('#lang').click();
    await page.locator('#choices button[data-choice="en"]').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('#send').textContent()).toBe('Send');
    await snap(page, 'english');
    expect(errors).toEqual([]);

    const participant = await web.runtime.db
      .collection('participants')
      .findOne({ councilId: 'QN05981M' });
    expect(participant?.status).toBe('completed');
    const answers = await web.runtime.db
      .collection('answers')
      .find({ participantId: participant?._id })
      .toArray();
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.some((a) => JSON.stringify(a.value).includes('Plus de bus le soir'))).toBe(true);
    await context.close();
  }, 90_000);
});
