import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The question on screen as the page shows it: its prompt and every button under it. */
export interface ScreenPrompt {
  promptId: string | undefined;
  multiSelect: boolean;
  choices: { choiceId: string; title: string; pressed: boolean | undefined }[];
  bubbles: number;
}

export async function promptOnScreen(page: Page): Promise<ScreenPrompt> {
  return page.evaluate(() => {
    const buttons = Array.from(
      document.querySelectorAll<HTMLElement>('#answer button[data-choice]'),
    );
    return {
      promptId: document.getElementById('choices')?.dataset.prompt || undefined,
      multiSelect: buttons.some((b) => b.hasAttribute('aria-pressed')),
      choices: buttons.map((b) => ({
        choiceId: b.dataset.choice ?? '',
        title: b.querySelector('.label')?.textContent ?? '',
        pressed: b.hasAttribute('aria-pressed')
          ? b.getAttribute('aria-pressed') === 'true'
          : undefined,
      })),
      bubbles: document.querySelectorAll('#log .msg').length,
    };
  });
}

/**
 * What keeps the current question from being read and answered, measured with bounding boxes:
 * its start under the header or below the answers, its text cut while it would fit, something
 * drawn over it, its first two options (and « Valider ») off screen, out of their list or covered.
 * After a tick, the option just tapped stands for the first two (the person may have scrolled
 * the list to reach it). Empty when all is well.
 */
export async function readabilityProblems(page: Page, tapped?: string): Promise<string[]> {
  return page.evaluate((tappedId) => {
    const problems: string[] = [];
    const rect = (el: Element) => el.getBoundingClientRect();
    const name = (el: Element | null) =>
      el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}` : 'nothing';
    const bots = document.querySelectorAll('#log .msg.bot');
    const question = document.querySelector('#log .msg.current') ?? bots[bots.length - 1];
    if (!question) return ['no bot message on screen'];
    const band = {
      top: rect(document.getElementById('top')!).bottom,
      bottom: rect(document.getElementById('answer')!).top,
    };
    const q = rect(question);
    if (q.top < band.top - 1)
      problems.push(`question starts under the header (${q.top} < ${band.top})`);
    if (q.top > band.bottom - 30)
      problems.push(`question starts below the answers (${q.top} > ${band.bottom})`);
    const fits = q.height <= band.bottom - band.top - 16;
    if (fits && q.bottom > band.bottom + 1)
      problems.push(`question cut by the answers (${q.bottom} > ${band.bottom})`);
    if (!fits && q.top > band.top + 16)
      problems.push(`long question not started at the top (${q.top})`);
    const probeY = Math.max(q.top, band.top) + 12;
    const hit = document.elementFromPoint(q.left + 12, probeY);
    if (!question.contains(hit)) problems.push(`question covered by ${name(hit)}`);
    const options = Array.from(document.querySelectorAll('#choices button'));
    const pinned = Array.from(document.querySelectorAll('#actions button'));
    const list = rect(document.getElementById('choices')!);
    const wanted = [
      ...(tappedId
        ? options.filter((b) => b instanceof HTMLElement && b.dataset.choice === tappedId)
        : options.slice(0, 2)),
      ...(options.length === 0 ? pinned.slice(0, 1) : []),
      ...pinned.filter((b) => b instanceof HTMLElement && b.dataset.choice === '_done'),
    ];
    for (const button of wanted) {
      const b = rect(button);
      const label = button.textContent?.trim().slice(0, 30) ?? '';
      if (b.top < 0 || b.bottom > innerHeight || b.left < 0 || b.right > innerWidth)
        problems.push(`button « ${label} » off screen (${b.top}–${b.bottom} of ${innerHeight})`);
      if (options.includes(button) && (b.top < list.top - 1 || b.bottom > list.bottom + 1))
        problems.push(`button « ${label} » scrolled out of its list`);
      const at = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (!button.contains(at)) problems.push(`button « ${label} » covered by ${name(at)}`);
    }
    if (options.length + pinned.length === 0) {
      const box = rect(document.getElementById('text')!);
      if (box.top < 0 || box.bottom > innerHeight) problems.push('text box off screen');
    }
    if (document.documentElement.scrollWidth > innerWidth) problems.push('sideways scrolling');
    return problems;
  }, tapped);
}

/** Every axe-core violation (any impact), as "rule (impact): target". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = Reflect.get(window, 'axe');
    const result: unknown = await axe.run(document);
    const violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] =
      Reflect.get(Object(result), 'violations');
    return violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}

/** Waits until the turn started by a send is fully shown: a new bot message, nothing in flight. */
export async function waitForBot(page: Page, botsBefore: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('#log .msg.bot').length > n,
    botsBefore,
  );
  await settled(page);
}

/** No send in flight and no tick waiting for the bot's answer. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.getElementById('typing')?.hidden === true &&
      !document.getElementById('choices')?.hasAttribute('aria-busy'),
  );
  // Layout happens in the same task as rendering; one frame lets the browser paint it.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
}

export function botCount(page: Page): Promise<number> {
  return page.locator('#log .msg.bot').count();
}
