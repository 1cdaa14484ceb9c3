import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** An exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

/**
 * A plain node:http server over a list of routes. A route that throws gets a 500 and a log
 * line; the process keeps serving everyone else.
 */
export function createHttpServer(routes: readonly Route[], log: Logger): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matches = routes.filter((route) => matchPath(route.path, url.pathname) !== undefined);
    const route = matches.find((r) => r.method === req.method);
    if (!route) {
      sendJson(res, matches.length > 0 ? 405 : 404, {
        error: matches.length > 0 ? 'method not allowed' : 'not found',
      });
      return;
    }
    const params = matchPath(route.path, url.pathname) ?? [];
    Promise.resolve()
      .then(() => route.handle(req, res, params))
      .catch((error: unknown) => {
        log.error({ err: error, path: url.pathname }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
}

function matchPath(pattern: string | RegExp, pathname: string): string[] | undefined {
  if (typeof pattern === 'string') return pattern === pathname ? [] : undefined;
  const match = pattern.exec(pathname);
  return match ? match.slice(1).map((g) => decodeURIComponent(g ?? '')) : undefined;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON body up to `limit` bytes; too large, not JSON or malformed is a BodyError. */
export async function readJsonBody(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/json')) throw new BodyError(415, 'expected application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyError(413, `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new BodyError(413, `body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'malformed JSON');
  }
}
