import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, readJsonBody, sendJson } from '../http/create-http-server.js';

/** The JSON body, or undefined after answering 400/413/415. */
export async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit = 16 * 1024,
): Promise<unknown> {
  try {
    return await readJsonBody(req, limit);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    fail(res, error.status, 'BadArgument', error.message);
    return undefined;
  }
}

/** Answers a Direct Line-style error, `{ error: { code, message } }`; returns undefined for early returns. */
export function fail(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): undefined {
  sendJson(res, status, { error: { code, message } });
  return undefined;
}

/** A JSON body that may be absent (no content at all): `{}` then; undefined after answering 4xx. */
export async function readOptionalBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit = 4096,
): Promise<unknown> {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === '0')) return {};
  return readBody(req, res, limit);
}
