import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Only our own files, and only from us: no inline script, no third-party request. */
export const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A year: what `immutable` files are kept for (their URL changes with their content). */
export const immutable = 'public, max-age=31536000, immutable';

/** A response body built once at start, with its compressed forms. */
export interface StaticAsset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  brotli: Buffer;
  cache: string;
  /** The first hex digits of its SHA-256, for versioned URLs. */
  hash: string;
}

export function staticAsset(type: string, text: string, cache: string): StaticAsset {
  const body = Buffer.from(text);
  return {
    type,
    body,
    gzipped: gzipSync(body, { level: 9 }),
    brotli: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    cache,
    hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
  };
}

/**
 * Sends an asset in the best encoding the client accepts (brotli, gzip, none). `vary` names
 * every request header that chose this body, so shared caches keep one copy per choice.
 */
export function sendAsset(
  req: IncomingMessage,
  res: ServerResponse,
  found: StaticAsset,
  options: { status?: number; cache?: string; vary?: string } = {},
): void {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  const encoding = accepts(accepted, 'br') ? 'br' : accepts(accepted, 'gzip') ? 'gzip' : undefined;
  const body = encoding === 'br' ? found.brotli : encoding === 'gzip' ? found.gzipped : found.body;
  res.writeHead(options.status ?? 200, {
    'content-type': found.type,
    'content-length': String(body.length),
    'cache-control': options.cache ?? found.cache,
    vary: options.vary ?? 'accept-encoding',
    ...(encoding ? { 'content-encoding': encoding } : {}),
    ...securityHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Whether an Accept-Encoding (or Accept-Language) list names `token` without `q=0`. */
export function accepts(header: string, token: string): boolean {
  return header.split(',').some((part) => {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (name.trim() !== token) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
