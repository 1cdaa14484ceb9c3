import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { invitationPath, preferredLang } from '../../bot/web/chat-page-routes.js';
import { escapeHtml } from '../../bot/web/render-document-page.js';
import { replyToActivity } from '../../bot/web/reply-to-activity.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { startWebServer, type WebServer } from './start-web-server.js';

let web: WebServer;

beforeAll(async () => {
  web = await startWebServer({
    PRIVACY_CONTACT: 'https://example.org/contact',
    TRANSCRIPT_RETENTION_DAYS: '200',
  });
  await importCouncils(web.runtime.db, [
    {
      code: 'QN05981M',
      name: 'Les Quartiers Ouest',
      commune: 'Lille',
      communeInsee: '59350',
      department: '59',
      departmentName: 'Nord',
    },
  ]);
  await addInvitationCode(web.runtime.db, 'QN05981M', 'RBX7KQ');
  await web.runtime.refreshCouncils();
});

afterAll(async () => {
  await web?.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET as a browser sends it, with the bytes as they came over the wire. */
function fetchRaw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(`${web.baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A 404 notice page of this kind, in French and English with a link to the chat; its HTML. */
function expectNoticePage(res: Raw, path: string, kind: 'unknown_code' | 'not_found'): string {
  expect(res.status, path).toBe(404);
  expect(res.headers['content-type'], path).toMatch(/^text\/html/);
  const html = res.body.toString();
  expect(html, path).toContain(escapeHtml(defaultCatalog.fr[`web.${kind}.title`] ?? '?'));
  expect(html, path).toContain(escapeHtml(defaultCatalog.en[`web.${kind}.title`] ?? '?'));
  expect(html, path).toMatch(/<a class="action" href="\/">/);
  return html;
}

describe('the chat page over HTTP', () => {
  it('versions its script and styles by content: cached for good, gzip or brotli when asked', async () => {
    const page = await fetchRaw('/', { 'accept-encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-encoding']).toBe('gzip');
    const html = gunzipSync(page.body).toString('utf8');
    const urls = [...html.matchAll(/"(\/static\/[a-z-]+\.[0-9a-f]{12}\.(?:js|css))"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const gz = await fetchRaw(url, { 'accept-encoding': 'gzip, deflate' });
      expect(gz.status).toBe(200);
      expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(gz.headers['content-encoding']).toBe('gzip');
      const plain = await fetchRaw(url);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gunzipSync(gz.body)).toEqual(plain.body);
      const br = await fetchRaw(url, { 'accept-encoding': 'gzip, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body)).toEqual(plain.body);
      expect(br.body.length).toBeLessThan(plain.body.length / 2);
    }
    // An address of another version (a page from before a deploy) still works, not kept.
    const old = await fetchRaw('/static/chat.000000000000.js');
    expect(old.status).toBe(200);
    expect(old.headers['cache-control']).toBe('no-cache');
  });

  it('answers unknown static paths with a plain 404, never a stack', async () => {
    for (const path of [
      '/static/nope.js',
      '/static/chat.png',
      '/static/..%2Fchat-page-routes.ts',
      '/static/',
    ]) {
      const res = await fetchRaw(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body.toString()).toBe('not found');
    }
  });

  it('speaks the browser language: English HTML for en-GB, French otherwise', async () => {
    const en = await fetchRaw('/', { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' });
    expect(en.body.toString()).toMatch(/<html lang="en">/);
    expect(en.headers.vary).toMatch(/accept-language/);
    const fr = await fetchRaw('/', { 'accept-language': 'de-DE,fr;q=0.8,en;q=0.5' });
    expect(fr.body.toString()).toMatch(/<html lang="fr">/);
    expect(preferredLang('en;q=0.2, fr;q=0.9')).toBe('fr');
    expect(preferredLang('en;q=0, fr;q=0')).toBe('fr');
    expect(preferredLang(undefined)).toBe('fr');
  });

  it('opens the chat for an invitation code however the link was pasted', async () => {
    for (const path of [
      '/c/RBX7KQ',
      '/c/RBX7KQ/',
      '/c/RBX7KQ.',
      '/c/rbx7kq',
      '/c/RBX7KQ%C2%BB',
      '/c/QN05981M',
    ]) {
      const res = await fetchRaw(path);
      expect(res.status, path).toBe(200);
      expect(res.body.toString(), path).toMatch(/id="composer"/);
    }
    expect(invitationPath.exec('/c/rbx7kq.')?.[1]).toBe('rbx7kq');
    expect(invitationPath.exec('/c/RBX7KQ.html')).toBeNull();
  });

  it('answers an unknown code with a friendly page in French and English, never JSON', async () => {
    for (const path of ['/c/NOPE99', '/c/NOPE99.', '/c/', '/c', '/c/a%20b<c>', '/c/%E0%A4%A']) {
      const html = expectNoticePage(await fetchRaw(path), path, 'unknown_code');
      expect(html).not.toMatch(/<c>/);
    }
    expect((await fetchRaw('/c/NOPE99')).body.toString()).toContain('NOPE99');
  });

  it('answers a mistyped address with a friendly page for a browser, JSON for anything else', async () => {
    const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    for (const path of ['/inscription', '/questionnaire.html', '/static', '/admin-x']) {
      expectNoticePage(await fetchRaw(path, browser), path, 'not_found');
    }
    const api = await fetchRaw('/inscription', { accept: 'application/json' });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body.toString())).toEqual({ error: 'not found' });
    const posted = await fetch(`${web.baseUrl}/inscription`, { method: 'POST', headers: browser });
    expect(posted.status).toBe(404);
    expect(await posted.json()).toEqual({ error: 'not found' });
  });

  it('serves the legal pages with the configured contact and retention', async () => {
    for (const path of [
      '/mentions-legales',
      '/confidentialite',
      '/accessibilite',
      '/confidentialite/',
    ]) {
      const res = await fetchRaw(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      const html = res.body.toString();
      expect(html, path).toContain('href="https://example.org/contact"');
      expect(html).toMatch(/<section id="en" lang="en"/);
    }
    const privacy = (await fetchRaw('/confidentialite')).body.toString();
    expect(privacy).toContain('200'); // TRANSCRIPT_RETENTION_DAYS
    expect(privacy).toContain('supprimer');
    expect(privacy).toContain('90'); // the Direct Line copy
  });

  it('links the legal pages from the chat page footer', async () => {
    const html = (await fetchRaw('/')).body.toString();
    for (const path of ['/mentions-legales', '/confidentialite', '/accessibilite'])
      expect(html).toMatch(new RegExp(`<footer[\\s\\S]*href="${path}"[\\s\\S]*</footer>`));
  });
});

describe('PRIVACY_CONTACT', () => {
  it('takes an e-mail address or a web address, and names anything else', () => {
    expect(parseConfig({ PRIVACY_CONTACT: 'dpo@example.org' }).ok).toBe(true);
    expect(parseConfig({ PRIVACY_CONTACT: 'https://example.org/rgpd' }).ok).toBe(true);
    expect(parseConfig({}).ok).toBe(true);
    const bad = parseConfig({ PRIVACY_CONTACT: 'call Bob' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/^PRIVACY_CONTACT: .*e-mail/m);
    expect(parseConfig({ PRIVACY_CONTACT: 'javascript:alert(1)' }).ok).toBe(false);
  });
});

describe('an engine reply as an activity', () => {
  const catalog = defaultCatalog;

  it('carries ticks, numbers and the text limit in channelData, suggested actions unchanged', () => {
    const activity = replyToActivity(
      {
        text: 'Choisissez',
        promptId: 'q1',
        multiSelect: true,
        numbered: true,
        choices: [
          { id: 'a', label: '✓ Alpha' },
          { id: 'b', label: 'Beta' },
          { id: '_done', label: 'Valider' },
        ],
      },
      'fr',
      catalog,
      'dl_user',
    );
    expect(activity.channelData).toMatchObject({
      promptId: 'q1',
      multiSelect: true,
      picked: ['a'],
      numbered: true,
    });
    expect(activity.suggestedActions?.actions[0]).toEqual({
      type: 'postBack',
      title: '✓ Alpha',
      value: { promptId: 'q1', choiceId: 'a' },
    });
    const text = replyToActivity(
      { text: 'Racontez', promptId: 'q2', textLimit: 600 },
      'fr',
      catalog,
      'u',
    );
    expect(text.channelData).toEqual({ promptId: 'q2', textLimit: 600 });
    expect(text.inputHint).toBe('expectingInput');
    expect(text.suggestedActions).toBeUndefined();
  });

  it('offers buttons of a reply without a prompt as imBack of their label', () => {
    const activity = replyToActivity(
      { text: 'À bientôt', choices: [{ id: 'resume', label: 'Reprendre' }] },
      'fr',
      catalog,
      'u',
    );
    expect(activity.suggestedActions).toEqual({
      to: ['u'],
      actions: [{ type: 'imBack', title: 'Reprendre', value: 'Reprendre' }],
    });
    expect(activity.channelData).toEqual({});
  });
});
