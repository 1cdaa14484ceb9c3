import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import type { CouncilRef } from '../../dialogs/session-state.js';
import type { Catalog } from '../../dialogs/translate.js';
import type { Route } from '../http/create-http-server.js';
import {
  documentPages,
  escapeHtml,
  renderDocumentPage,
  renderNoticePage,
  type DocumentFacts,
} from './render-document-page.js';
import { immutable, sendAsset, staticAsset, type StaticAsset } from './static-asset.js';

const staticDir = new URL('./static/', import.meta.url);

export interface ChatPageOptions {
  /** The council an invitation code opens (runtime.councils.byInvitationCode); unset: any code. */
  councilByCode?: (code: string) => CouncilRef | undefined;
  /** What the privacy and legal pages state; the contact is PRIVACY_CONTACT. */
  facts: DocumentFacts;
}

/**
 * An invitation code at the end of a link, as people paste it: `/c/CODE`, `/c/CODE/`,
 * `/c/CODE.` (an SMS ending in a full stop), `/c/code`, or followed by a closing « » or space.
 */
export const invitationPath =
  /^\/c\/([A-Za-z0-9_-]{1,64})(?:[.,;:!)/]|%20|%C2%A0|%C2%BB|%E2%80%A6)*$/i;

/**
 * The chat page and its plain companions. `/` and `/c/<invitation code>` serve the chat
 * (the script reads the code from the address), in French or English after Accept-Language;
 * an unknown code gets a short page with a link to the chat instead. `/static/<name>.<hash>.<ext>`
 * are the page's script and styles, cached for good (their address changes with their content);
 * `/mentions-legales`, `/confidentialite` and `/accessibilite` the operator's pages. The page's
 * words come from the locales' `web.*` keys, both languages embedded for the switch. A browser
 * asking for any other address gets `notFoundPage`: what happened and a link to the chat.
 */
export function chatPages(
  catalog: Catalog,
  options: ChatPageOptions,
): { routes: Route[]; notFoundPage: Route['handle'] } {
  const files = new Map<string, StaticAsset>([
    ['chat.js', staticAsset('text/javascript; charset=utf-8', readStatic('chat.js'), immutable)],
    ['chat.css', staticAsset('text/css; charset=utf-8', readStatic('chat.css'), immutable)],
    ['document.css', staticAsset('text/css; charset=utf-8', readStatic('document.css'), immutable)],
  ]);
  const url = (name: string) => versionedUrl(name, files.get(name));
  const chat = {
    fr: html(renderChatPage(catalog, 'fr', url)),
    en: html(renderChatPage(catalog, 'en', url)),
  };
  const { facts } = options;
  const css = url('document.css');
  const documents = documentPages.map(({ page, path }): Route => {
    const body = html(renderDocumentPage(page, catalog, facts, css));
    return {
      method: 'GET',
      path: new RegExp(`^${path}/?$`),
      handle: (req, res) => sendAsset(req, res, body),
    };
  });
  const sendChat = (req: IncomingMessage, res: ServerResponse) =>
    sendAsset(req, res, chat[preferredLang(req.headers['accept-language'])], {
      vary: 'accept-encoding, accept-language',
    });
  const routes: Route[] = [
    { method: 'GET', path: '/', handle: sendChat },
    {
      // No icon of our own: answer at once and let the phone cache that, instead of a 404.
      method: 'GET',
      path: '/favicon.ico',
      handle: (_req, res) =>
        void res.writeHead(204, { 'cache-control': 'public, max-age=604800' }).end(),
    },
    {
      method: 'GET',
      path: invitationPath,
      handle(req, res, [code = '']) {
        if (!options.councilByCode || options.councilByCode(code)) return sendChat(req, res);
        const page = html(renderNoticePage('unknown_code', catalog, { code }, css));
        sendAsset(req, res, page, { status: 404 });
      },
    },
    {
      // Anything else under /c/: a broken link, answered like an unknown code.
      method: 'GET',
      path: /^\/c(?:\/|$)/,
      handle(req, res) {
        const raw = (req.url ?? '').split('?')[0]?.slice(3) ?? '';
        const code = safeDecode(raw).slice(0, 64);
        const page = html(renderNoticePage('unknown_code', catalog, { code }, css));
        sendAsset(req, res, page, { status: 404 });
      },
    },
    {
      method: 'GET',
      path: /^\/static\/(.*)$/,
      handle(req, res, [path = '']) {
        const match = /^([a-z-]+)(?:\.([0-9a-f]{12}))?\.(js|css)$/.exec(path);
        const found = match ? files.get(`${match[1]}.${match[3]}`) : undefined;
        if (!match || !found) {
          res
            .writeHead(404, {
              'content-type': 'text/plain; charset=utf-8',
              'cache-control': 'no-cache',
            })
            .end('not found');
          return;
        }
        // Another version's address (a page from before a deploy): today's file, not kept.
        sendAsset(req, res, found, match[2] === found.hash ? {} : { cache: 'no-cache' });
      },
    },
    ...documents,
  ];
  const missing = html(renderNoticePage('not_found', catalog, {}, css));
  return { routes, notFoundPage: (req, res) => sendAsset(req, res, missing, { status: 404 }) };
}

/** The page's total size, gzipped, as a French visitor loads it (the budget is 60 KB). */
export function chatPageGzippedBytes(catalog: Catalog): number {
  const url = (name: string) => `/static/${name}`;
  return [renderChatPage(catalog, 'fr', url), readStatic('chat.js'), readStatic('chat.css')].reduce(
    (sum, text) => sum + gzipSync(text, { level: 9 }).length,
    0,
  );
}

/** French unless the browser prefers English (Accept-Language, weights honoured). */
export function preferredLang(header: string | string[] | undefined): Lang {
  const ranked = String(header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.slice(0, 2), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => (r.base === 'fr' || r.base === 'en') && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.base === 'en' ? 'en' : 'fr';
}

function renderChatPage(catalog: Catalog, lang: Lang, url: (name: string) => string): string {
  const messages = catalog[lang];
  const strings = { fr: webStrings(catalog.fr), en: webStrings(catalog.en) };
  return readStatic('index.html')
    .replace(/\{\{lang\}\}/g, lang)
    .replace(/\{\{asset:([a-z.-]+)\}\}/g, (_whole, name: string) => url(name))
    .replace(/\{\{(web\.[a-z_.0-9]+)\}\}/g, (_whole, key: string) =>
      escapeHtml(messages[key] ?? catalog.fr[key] ?? key),
    )
    .replace('{{strings}}', JSON.stringify(strings).replace(/</g, '\\u003c'));
}

/** The chat's own words; the long texts of the legal pages stay on the server. */
function webStrings(messages: Catalog['fr']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(messages).filter(
      ([key]) =>
        key.startsWith('web.') &&
        !key.startsWith('web.doc.') &&
        !key.startsWith('web.unknown_code.'),
    ),
  );
}

function versionedUrl(name: string, found: StaticAsset | undefined): string {
  if (!found) throw new Error(`no static file ${name}`);
  const dot = name.lastIndexOf('.');
  return `/static/${name.slice(0, dot)}.${found.hash}${name.slice(dot)}`;
}

function html(text: string): StaticAsset {
  return staticAsset('text/html; charset=utf-8', text, 'no-cache');
}

function readStatic(name: string): string {
  return readFileSync(new URL(name, staticDir), 'utf8');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
