import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { Metrics } from './metrics.js';
import { decodePathPart, parseRequestUrl } from './parse-request-url.js';
import { trackRequests, type RequestTracker } from './request-tracker.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'PATCH';
  /** An exact path, or a pattern whose groups become `params`. */
  path: string | RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

/** Takes a WebSocket upgrade; false when the path is not the taker's. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpServerOptions {
  log: Logger;
  metrics?: Metrics;
  upgrade?: UpgradeHandler;
  /** Answers a browser's GET of a path no route has (a page); others get JSON 404. */
  notFoundPage?: Route['handle'];
}

/** How long a client may take to send its headers, and its whole request. */
export const headersTimeoutMs = 10_000;
export const requestTimeoutMs = 30_000;

const servers = new WeakMap<Server, RequestTracker>();

/**
 * A plain node:http server over a list of routes. Nothing a client sends can end the process:
 * an unreadable target or path gets 400, a route that throws gets 500 and a log line, a
 * malformed request, header flood or dead socket is answered (400/408/431) or dropped, and a
 * failing upgrade is closed with 400. Every 4xx/5xx is counted in /metrics by route.
 */
export function createHttpServer(routes: readonly Route[], options: HttpServerOptions): Server {
  const { log } = options;
  const metrics = options.metrics ?? new Metrics();
  const server = createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
  });
  const tracker = trackRequests(server);
  servers.set(server, tracker);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let label = 'unmatched';
    res.once('finish', () => countStatus(metrics, label, res.statusCode));
    try {
      if (tracker.draining) {
        // Stopping: this connection's next request goes to another process.
        res.setHeader('connection', 'close');
        return void sendJson(res, 503, { error: 'shutting down' }, { 'retry-after': '1' });
      }
      const url = parseRequestUrl(req.url);
      if (!url) return void sendJson(res, 400, { error: 'malformed request target' });
      const found = findRoute(routes, req.method, url.pathname);
      if (found.kind === 'malformed') return void sendJson(res, 400, { error: 'malformed path' });
      const dispatch = (route: Pick<Route, 'handle'>, params: string[]) =>
        void Promise.resolve()
          .then(() => route.handle(req, res, params))
          .catch((error: unknown) => answerFailure(req, res, error, log, label));
      if (found.kind === 'none') {
        const { notFoundPage } = options;
        if (notFoundPage && wantsPage(req)) return dispatch({ handle: notFoundPage }, []);
        return void sendJson(res, 404, { error: 'not found' });
      }
      label = String(found.route.path);
      if (found.kind === 'method') return void sendJson(res, 405, { error: 'method not allowed' });
      dispatch(found.route, found.params);
    } catch (error) {
      answerFailure(req, res, error, log, label);
    }
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    metrics.increment('concerto_http_client_errors_total', 'Requests refused before routing.', {
      code: error.code ?? 'unknown',
    });
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An upgraded socket has no error listener of Node's any more: a reset must not throw.
    socket.on('error', () => socket.destroy());
    try {
      if (tracker.draining) return void refuseUpgrade(socket, '503 Service Unavailable');
      if (!parseRequestUrl(req.url)) return void refuseUpgrade(socket, '400 Bad Request');
      if (!options.upgrade?.(req, socket, head)) refuseUpgrade(socket, '404 Not Found');
    } catch (error) {
      log.error({ err: error }, 'WebSocket upgrade failed');
      countStatus(metrics, 'upgrade', 500);
      refuseUpgrade(socket, '400 Bad Request');
    }
  });

  return server;
}

/** What createHttpServer tracks of a server (in-flight requests, draining), for stopping it. */
export function trackerOf(server: Server): RequestTracker | undefined {
  return servers.get(server);
}

type Found =
  | { kind: 'route'; route: Route; params: string[] }
  | { kind: 'method'; route: Route }
  | { kind: 'none' }
  | { kind: 'malformed' };

function findRoute(routes: readonly Route[], method: string | undefined, pathname: string): Found {
  let other: Route | undefined;
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params === 'malformed') return { kind: 'malformed' };
    if (params === undefined) continue;
    if (route.method === method) return { kind: 'route', route, params };
    other ??= route;
  }
  return other ? { kind: 'method', route: other } : { kind: 'none' };
}

function matchPath(pattern: string | RegExp, pathname: string): string[] | 'malformed' | undefined {
  if (typeof pattern === 'string') return pattern === pathname ? [] : undefined;
  const match = pattern.exec(pathname);
  if (!match) return undefined;
  const params: string[] = [];
  for (const group of match.slice(1)) {
    const decoded = decodePathPart(group ?? '');
    if (decoded === undefined) return 'malformed';
    params.push(decoded);
  }
  return params;
}

/** The last resort of one request: a client that went away is not an error; anything else is a 500. */
function answerFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: Logger,
  route: string,
): void {
  if (req.destroyed && !req.complete) {
    res.destroy();
    return;
  }
  log.error({ err: error, route }, 'request failed');
  if (res.headersSent) return void res.destroy();
  try {
    sendJson(res, 500, { error: 'internal error' });
  } catch {
    res.destroy();
  }
}

function countStatus(metrics: Metrics, route: string, status: number): void {
  if (status < 400) return;
  metrics.increment('concerto_http_errors_total', 'HTTP answers 4xx and 5xx, by route.', {
    route,
    status: status >= 500 ? '5xx' : '4xx',
  });
}

function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable)
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  else socket.destroy();
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

/** `application/json` or any `+json` type, whatever its case and parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Reads a JSON body up to `limit` bytes; too large, not JSON, malformed or cut off (the client
 * went away, or stopped sending until the request timed out) is a BodyError. A body over the
 * limit is not read further (the rest is discarded), so the client still gets its 413.
 */
export async function readJsonBody(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type']))
    throw new BodyError(415, 'expected application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new BodyError(413, `body larger than ${limit} bytes`);
  }
  const text = await readText(req, limit);
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the body, which may be someone's words.
    throw new BodyError(400, 'malformed JSON');
  }
}

function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (req.destroyed) return void reject(new BodyError(400, 'request body incomplete'));
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: BodyError) => {
      req.off('data', onData).off('end', onEnd).off('error', onCut).off('close', onClose);
      if (error) {
        req.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      if (size > limit) settle(new BodyError(413, `body larger than ${limit} bytes`));
      else chunks.push(buffer);
    };
    const onEnd = () => settle();
    const onCut = () => settle(new BodyError(400, 'request body incomplete'));
    const onClose = () => {
      if (!req.complete) onCut();
    };
    req.on('data', onData).on('end', onEnd).on('error', onCut).on('close', onClose);
  });
}

/** A person's browser asking for a page (not a script, an API client or a health check). */
function wantsPage(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return /\btext\/html\b/.test(req.headers.accept ?? '');
}
