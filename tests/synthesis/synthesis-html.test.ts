import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSynthesisHtml } from '../../bot/synthesis/render-synthesis-html.js';
import { summarizeConsultation } from '../../bot/synthesis/summarize-consultation.js';
import type { SynthesisReport } from '../../bot/synthesis/synthesis-report.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { plantedConsultation, plantedCouncils } from './generate-consultation.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const artifacts = 'test-artifacts/synthesis';

let report: SynthesisReport;
let browser: Browser;

beforeAll(async () => {
  const planted = plantedConsultation();
  report = await summarizeConsultation({
    consultation: planted.consultation,
    catalog: defaultCatalog,
    participants: planted.participants,
    answers: planted.answers,
    councils: new Map(plantedCouncils.map((c) => [c.code, c])),
  });
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
});

afterAll(() => browser?.close());

describe('the synthesis as an HTML page', () => {
  it('is one self-contained page: no script, nothing fetched, French with English headings', () => {
    const html = renderSynthesisHtml(report);
    expect(html.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//i);
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<span class="alt" lang="en">Synthesis for the workshop</span>');
    for (const theme of report.themes)
      expect(html).toContain(`<section class="theme" id="theme-${theme.id}"`);
    // Quotes say the language they were written in.
    expect(html).toContain('<blockquote lang="en">Homework help</blockquote>');
    expect(html).toContain('<blockquote lang="fr">plus de bus le soir</blockquote>');
    // The numbers of each chart are in its table: « Aide aux devoirs » 90, 50 %.
    expect(html).toMatch(
      /<th scope="row">Aide aux devoirs après l&#39;école<\/th><td class="num">90<\/td><td class="share"><span class="n">50\u202f%<\/span><svg class="bar"[^>]*aria-hidden="true"/,
    );
    expect(html).toContain(
      '« Sans avis » : 10 (5,3\u202f% des réponses), à part des pourcentages.',
    );
    expect(html).toContain('<q lang="fr">Appelez-moi au [téléphone]</q>');
    expect(html).not.toContain('06 12 34 56 78');
  });

  it('exists in English, French headings beside', () => {
    const html = renderSynthesisHtml(report, { lang: 'en' });
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(
      'Synthesis for the workshop <span class="alt" lang="fr">Synthèse pour l&#39;atelier</span>',
    );
    expect(html).toContain(
      '<th scope="row">Homework help after school</th><td class="num">90</td>',
    );
  });

  for (const lang of ['fr', 'en'] as const) {
    it(`passes axe-core with no violation of any impact, in Chromium (${lang})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.setContent(renderSynthesisHtml(report, { lang }));
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const axe: unknown = Reflect.get(window, 'axe');
        if (typeof axe !== 'object' || axe === null) throw new Error('axe-core did not load');
        const run: unknown = Reflect.get(axe, 'run');
        if (typeof run !== 'function') throw new Error('axe.run is missing');
        const result: {
          violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
        } = await run.call(axe, document);
        return result.violations.map(
          (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      });
      expect(violations).toEqual([]);
      // Only axe-core itself was added; the report fetched nothing.
      expect(requests.filter((url) => !url.startsWith('data:') && url !== 'about:blank')).toEqual(
        [],
      );
      await page.screenshot({ path: `${artifacts}/synthesis-${lang}.png`, fullPage: true });
      await page.close();
    });
  }

  it('never scrolls sideways on a laptop or a phone (1366×768, 375×667, 320×568): wide tables scroll in their own box', async () => {
    for (const [name, viewport] of [
      ['laptop', { width: 1366, height: 768 }],
      ['phone', { width: 375, height: 667 }],
      ['small-phone', { width: 320, height: 568 }],
    ] as const) {
      const page = await browser.newPage({ viewport });
      await page.setContent(renderSynthesisHtml(report));
      const layout = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        // What sticks out of the window without being inside a table's own scrolling box.
        out: Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
          .filter((e) => !e.closest('.table-wrap'))
          .map((e) => e.tagName.toLowerCase())
          .slice(0, 5),
        tables: document.querySelectorAll('table').length,
        wrapped: document.querySelectorAll('.table-wrap > table').length,
        focusable: Array.from(document.querySelectorAll('.table-wrap')).every(
          (e) => e.getAttribute('tabindex') === '0',
        ),
      }));
      expect(layout.page, name).toBeLessThanOrEqual(viewport.width);
      expect(layout.out, name).toEqual([]);
      expect(layout.wrapped).toBe(layout.tables);
      // A box that scrolls can be reached and scrolled with the keyboard.
      expect(layout.focusable).toBe(true);
      await page.screenshot({ path: `${artifacts}/synthesis-${name}.png`, fullPage: true });
      await page.close();
    }
  });

  it('prints on A4 with each theme and the appendix on a new page', async () => {
    const page = await browser.newPage();
    await page.setContent(renderSynthesisHtml(report));
    await page.emulateMedia({ media: 'print' });
    // In print, every theme section starts a page.
    const breaks = await page.$$eval('section.theme, section.appendix', (sections) =>
      sections.map((s) => getComputedStyle(s).breakBefore),
    );
    expect(breaks).toEqual(Array(report.themes.length + 1).fill('page'));
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    writeFileSync(`${artifacts}/synthesis-fr.pdf`, pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(report.themes.length + 2);
    await page.close();
  });
});
