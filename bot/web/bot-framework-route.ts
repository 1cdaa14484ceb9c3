import type { ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Response as BotResponse,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import type { Config } from '../config.js';
import { sendJson, type Route } from '../http/create-http-server.js';
import type { Logger } from '../logger.js';
import type { ConcertoBot } from './concerto-bot.js';
import { readBody } from './read-body.js';

const objectSchema = z.record(z.string(), z.unknown());

/**
 * `POST /api/messages` through botbuilder's CloudAdapter. With MICROSOFT_APP_ID the SDK checks
 * every request's JWT (401 otherwise); without it, requests are anonymous and so accepted only
 * from this machine (the Bot Framework Emulator), with a warning at start.
 */
export function botFrameworkRoute(config: Config, bot: ConcertoBot, log: Logger): Route {
  const authenticated = config.MICROSOFT_APP_ID !== undefined;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MICROSOFT_APP_ID,
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
    MicrosoftAppType: config.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant',
  });
  const adapter = new CloudAdapter(auth);
  // ConcertoBot apologises to the person itself; what reaches here is the adapter's own failure.
  adapter.onTurnError = async (_context: TurnContext, error: Error) => {
    log.error({ err: error }, 'Bot Framework adapter error');
  };
  if (!authenticated)
    log.warn(
      'MICROSOFT_APP_ID is unset: /api/messages accepts anonymous requests from this machine only',
    );
  return {
    method: 'POST',
    path: '/api/messages',
    async handle(req, res) {
      if (!authenticated && !isLoopback(req.socket.remoteAddress)) {
        return void sendJson(res, 401, {
          error: 'anonymous requests are accepted from this machine only',
        });
      }
      const body = await readBody(req, res, 64 * 1024);
      if (body === undefined) return;
      const parsed = objectSchema.safeParse(body);
      if (!parsed.success) return void sendJson(res, 400, { error: 'expected an activity object' });
      await adapter.process(
        { body: parsed.data, headers: req.headers, method: req.method },
        responseFor(res),
        (context) => bot.run(context),
      );
    },
  };
}

/** Requests from this machine only (IPv4 127/8, ::1, or IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/** botbuilder's express-like response over node's ServerResponse. */
function responseFor(res: ServerResponse): BotResponse {
  let status = 200;
  let body: string | undefined;
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(value: unknown) {
      body = typeof value === 'string' ? value : JSON.stringify(value);
      if (typeof value !== 'string')
        res.setHeader('content-type', 'application/json; charset=utf-8');
    },
    end() {
      if (res.writableEnded) return;
      res.statusCode = status;
      res.end(body);
    },
  };
}
