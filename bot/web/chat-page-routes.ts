import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Catalog } from '../../dialogs/translate.js';
import type { Route } from '../http/create-http-server.js';

const staticDir = new URL('./static/', import.meta.url);

/** Only our own files, and only from us: no inline script, no third-party request. */
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  cache: string;
}

/**
 * The chat page: `/` and `/c/<invitation code>` serve the same HTML (the script reads the code
 * from the address); `/static/…` its script and style. The page's words come from the
 * locales' `web.*` keys: French written into the HTML, both languages embedded for the switch.
 */
export function chatPageRoutes(catalog: Catalog): Route[] {
  const page = asset('text/html; charset=utf-8', renderPage(catalog), 'no-cache');
  const assets = new Map<string, Asset>([
    ['chat.js', asset('text/javascript; charset=utf-8', readStatic('chat.js'), 'no-cache')],
    ['chat.css', asset('text/css; charset=utf-8', readStatic('chat.css'), 'no-cache')],
  ]);
  return [
    { method: 'GET', path: '/', handle: (req, res) => send(req, res, page) },
    {
      // No icon of our own: answer at once and let the phone cache that, instead of a 404.
      method: 'GET',
      path: '/favicon.ico',
      handle: (_req, res) =>
        void res.writeHead(204, { 'cache-control': 'public, max-age=604800' }).end(),
    },
    {
      method: 'GET',
      path: /^\/c\/([A-Za-z0-9_-]{1,64})$/,
      handle: (req, res) => send(req, res, page),
    },
    {
      method: 'GET',
      path: /^\/static\/([a-z-]+\.(?:js|css))$/,
      handle(req, res, [name = '']) {
        const found = assets.get(name);
        if (!found) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        send(req, res, found);
      },
    },
  ];
}

/** The page's total size, gzipped (the budget is 60 KB). */
export function chatPageGzippedBytes(catalog: Catalog): number {
  return [renderPage(catalog), readStatic('chat.js'), readStatic('chat.css')].reduce(
    (sum, text) => sum + gzipSync(text).length,
    0,
  );
}

function renderPage(catalog: Catalog): string {
  const strings = { fr: webStrings(catalog.fr), en: webStrings(catalog.en) };
  return readStatic('index.html')
    .replace(/\{\{(web\.[a-z_.]+)\}\}/g, (_whole, key: string) =>
      escapeHtml(catalog.fr[key] ?? key),
    )
    .replace('{{strings}}', JSON.stringify(strings).replace(/</g, '\\u003c'));
}

function webStrings(messages: Catalog['fr']): Record<string, string> {
  return Object.fromEntries(Object.entries(messages).filter(([key]) => key.startsWith('web.')));
}

function readStatic(name: string): string {
  return readFileSync(new URL(name, staticDir), 'utf8');
}

function asset(type: string, text: string, cache: string): Asset {
  const body = Buffer.from(text);
  return { type, body, gzipped: gzipSync(body), cache };
}

function send(req: IncomingMessage, res: ServerResponse, found: Asset): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'content-type': found.type,
    'cache-control': found.cache,
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    ...securityHeaders,
  });
  res.end(gzip ? found.gzipped : found.body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
