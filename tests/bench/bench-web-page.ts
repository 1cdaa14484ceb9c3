import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/launch-chromium.js';
import { parseConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { chatPageGzippedBytes } from '../../bot/web/chat-page-routes.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import { startEmbeddedServer } from '../../storage/embedded-server.js';
import { quantile } from './quantile.js';

/**
 * Five loads per profile: the web channel allows 10 new sessions a minute per address, and
 * every fresh context opens one, so 2 × 5 is the most one run can take.
 */
const runs = 5;
const firstBotMessage = '#log .msg.bot';
const staticDir = new URL('../../bot/web/static/', import.meta.url);
const pageFiles = ['index.html', 'chat.js', 'chat.css'];

interface Profile {
  /** DevTools network conditions (bytes/s); none for no throttling. */
  network?: { latency: number; downloadThroughput: number; uploadThroughput: number };
  cpuRate: number;
}

/** "Slow 3G": 400 ms round trip, 400 kbit/s each way, on a phone 4× slower than this machine. */
const slow3g: Profile = {
  network: { latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 },
  cpuRate: 4,
};
const unthrottled: Profile = { cpuRate: 1 };

interface Load {
  /** Navigation start → first bot message in the chat log (ms). */
  ms: number;
  /** Bytes over the wire until then: everything, and the page's own HTML/JS/CSS. */
  bytes: number;
  pageBytes: number;
}

/**
 * The chat page on a phone: `/` opened in Chromium at 390×844, each load in a fresh browser
 * context (empty cache and storage), until the bot's first message shows; on slow 3G with a 4×
 * slower CPU and unthrottled. Plus what the page weighs over the wire and gzipped.
 */
export async function benchWebPage(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-web-'));
  // Undone in reverse order at the end, whatever happened: browser, server, runtime, db, dir.
  const cleanups: (() => Promise<void>)[] = [
    async () => rmSync(dir, { recursive: true, force: true }),
  ];
  try {
    const embedded = await startEmbeddedServer({ dataDir: dir });
    cleanups.push(() => embedded.stop());
    const parsed = parseConfig({
      MONGODB_URI: embedded.uri,
      MONGODB_DB: `bench_web_${randomBytes(6).toString('hex')}`,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
    cleanups.push(async () => {
      await runtime.db.dropDatabase().catch(() => undefined);
      await runtime.close();
    });
    const { server, channels, port } = await startServer(runtime);
    cleanups.push(async () => {
      for (const channel of channels) await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${port}/`;
    // Warm the server (code paths, first turn) without spending a session on it: the page
    // and the versioned script and styles it names.
    const html = await (await fetch(url)).text();
    for (const [, path] of html.matchAll(/"\/(static\/[^"]+)"/g))
      await (await fetch(url + path)).text();
    const start = { kind: 'start', payload: '' } satisfies EngineInput;
    await runtime.handleTurn({ channel: 'console', externalId: 'bench-web-warm-up' }, start);

    const browser = await launchChromium();
    cleanups.push(() => browser.close());

    const slow: Load[] = [];
    const fast: Load[] = [];
    for (let i = 0; i < runs; i += 1) slow.push(await loadOnce(browser, url, slow3g));
    for (let i = 0; i < runs; i += 1) fast.push(await loadOnce(browser, url, unthrottled));

    const slowMs = slow.map((l) => l.ms).sort((a, b) => a - b);
    const fastMs = fast.map((l) => l.ms).sort((a, b) => a - b);
    const bytes = [...slow, ...fast].map((l) => l.bytes).sort((a, b) => a - b);
    const pageBytes = [...slow, ...fast].map((l) => l.pageBytes).sort((a, b) => a - b);
    const gzipped = pageFiles.map((name) => ({
      name,
      bytes: gzipSync(readFileSync(new URL(name, staticDir))).length,
    }));
    const ownTotal = gzipped.reduce((sum, f) => sum + f.bytes, 0);
    const served = chatPageGzippedBytes(runtime.catalog);
    return [
      `web page first bot message: slow 3G + ${slow3g.cpuRate}× CPU median ${seconds(quantile(slowMs, 0.5))} (max ${seconds(slowMs.at(-1) ?? 0)}), ` +
        `unthrottled median ${seconds(quantile(fastMs, 0.5))} (max ${seconds(fastMs.at(-1) ?? 0)}); ` +
        `page weight ${kb(quantile(bytes, 0.5))} transferred, of which HTML+JS+CSS ${kb(quantile(pageBytes, 0.5))} ` +
        `(target: first message visible quickly on a slow mobile connection — we aim for ≤ 5 s on slow 3G; page JS+CSS ≤ 60 KB gzipped)`,
      `web page own files gzipped: ${kb(ownTotal)} (${gzipped.map((f) => `${f.name} ${kb(f.bytes)}`).join(', ')}); ` +
        `as served with both languages' strings ${kb(served)} (target: ≤ 60 KB gzipped)`,
    ];
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** One load of the page in a fresh context under a profile. */
async function loadOnce(browser: Browser, url: string, profile: Profile): Promise<Load> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    locale: 'fr-FR',
  });
  try {
    // The first frame after the bot's first bubble enters the log, in page time (0 = navigation start).
    await context.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('#log .msg.bot')) return;
        observer.disconnect();
        requestAnimationFrame(() => performance.mark('concerto-first-bot'));
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    const ownTypes = new Set(['Document', 'Script', 'Stylesheet']);
    const own = new Set<string>();
    const refused: string[] = [];
    let bytes = 0;
    let pageBytes = 0;
    cdp.on('Network.responseReceived', (event) => {
      if (ownTypes.has(event.type)) own.add(event.requestId);
      // No favicon is served (a 404 the browser asks for on its own); any other refusal counts.
      if (event.response.status >= 400 && !event.response.url.endsWith('/favicon.ico'))
        refused.push(`${event.response.status} ${event.response.url}`);
    });
    cdp.on('Network.loadingFinished', (event) => {
      bytes += event.encodedDataLength;
      if (own.has(event.requestId)) pageBytes += event.encodedDataLength;
    });
    await cdp.send('Network.enable');
    if (profile.network)
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
    if (profile.cpuRate > 1)
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuRate });

    const begin = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.locator(firstBotMessage).first().waitFor({ state: 'visible', timeout: 60_000 });
    const wallMs = performance.now() - begin;
    const load = { bytes, pageBytes };
    // A refused session (rate limit) would retry after 5 s and spoil the figure: say so.
    if (refused.length > 0) throw new Error(`the page was refused: ${refused.join(', ')}`);
    const markedMs = await page.evaluate(
      () => performance.getEntriesByName('concerto-first-bot')[0]?.startTime ?? null,
    );
    await cdp.send('Storage.clearDataForOrigin', {
      origin: new URL(url).origin,
      storageTypes: 'all',
    });
    return { ms: markedMs ?? wallMs, ...load };
  } finally {
    await context.close();
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
