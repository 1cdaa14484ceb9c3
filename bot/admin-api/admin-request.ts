import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../storage/credentials.js';
import { sendJson } from '../http/create-http-server.js';
import type { Scope } from './scope-request.js';

/** A route handler that runs only for a checked credential. */
export type AdminHandler = (request: AdminRequest) => Promise<void>;

export interface AdminRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  principal: Principal;
  /** The councils this request may see, from its `council` and `department` parameters. */
  scope(): Promise<Scope>;
}

/** A query parameter given several times or with commas: `council=A&council=B`, `council=A,B`. */
export function listParam(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** 403 with the reason. */
export function forbidden(res: ServerResponse, reason: string): void {
  sendJson(res, 403, { error: reason });
}
