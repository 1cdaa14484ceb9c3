import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import { isLocalUrl, type Config } from '../config.js';
import { sendJson, type Route } from '../http/create-http-server.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import { botFrameworkActivitySchema } from './bot-framework-activity.js';
import type { ConcertoBot } from './concerto-bot.js';
import { readBody } from './read-body.js';

/** Where Azure Bot Service channels live; BOTFRAMEWORK_SERVICE_URLS replaces the list. */
export const defaultServiceUrls = ['https://*.botframework.com', 'https://smba.trafficmanager.net'];

/** Headers a reverse proxy adds: their presence means the request did not start on this machine. */
const proxyHeaders = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host', 'via'];

export type BotFrameworkMode = 'authenticated' | 'anonymous' | 'off';

type Authenticated = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/**
 * CloudAdapter run on a request this route has already read, checked and authenticated
 * (CloudAdapter.process would parse it again, answer a malformed one with a 500 and print
 * whole errors, request bodies included, on the console).
 */
class CheckedAdapter extends CloudAdapter {
  runAuthenticated(
    authenticated: Authenticated,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ) {
    return this.processActivity(authenticated, activity, logic);
  }
}

/**
 * `POST /api/messages` through botbuilder's CloudAdapter. With MICROSOFT_APP_ID the SDK checks
 * every request's JWT (401 otherwise; a channel's token also names the serviceUrl it may
 * use) and replies go only to the allowed origins (BOTFRAMEWORK_SERVICE_URLS). Anonymous
 * requests are for a developer's Bot Framework Emulator and need BOTFRAMEWORK_ANONYMOUS=true
 * (refused at start in production or with a public PUBLIC_URL): they must come from this
 * machine's loopback, without a proxy's headers, and name a loopback serviceUrl. Neither set:
 * the endpoint is off (403). A malformed activity is a 400, before botbuilder sees it.
 */
export function botFrameworkRoute(
  config: Config,
  bot: ConcertoBot,
  log: Logger,
  metrics?: Metrics,
): Route {
  const mode = botFrameworkMode(config);
  const allowed = config.BOTFRAMEWORK_SERVICE_URLS ?? defaultServiceUrls;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MICROSOFT_APP_ID,
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
    MicrosoftAppType: config.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant',
  });
  const adapter = new CheckedAdapter(auth);
  // ConcertoBot apologises to the person itself; what reaches here is the adapter's own failure.
  adapter.onTurnError = async (_context: TurnContext, error: Error) => {
    metrics?.increment('concerto_web_errors_total', 'Web channel failures, by kind.', {
      kind: 'bot_framework_adapter',
    });
    log.error({ err: error }, 'Bot Framework adapter error');
  };
  if (mode === 'anonymous')
    log.warn(
      'BOTFRAMEWORK_ANONYMOUS=true: /api/messages accepts unauthenticated requests from this machine (local development only)',
    );
  if (mode === 'off')
    log.info('/api/messages is off: set MICROSOFT_APP_ID to connect an Azure Bot registration');
  const refuse = (res: ServerResponse, status: number, error: string) => {
    metrics?.increment('concerto_bot_framework_refused_total', 'Refused /api/messages requests.', {
      status: String(status),
    });
    sendJson(res, status, { error });
  };
  return {
    method: 'POST',
    path: '/api/messages',
    async handle(req, res) {
      if (mode === 'off')
        return refuse(
          res,
          403,
          'Bot Framework is not configured: set MICROSOFT_APP_ID (or BOTFRAMEWORK_ANONYMOUS=true on a developer machine)',
        );
      if (mode === 'anonymous') {
        const problem = anonymousProblem(req);
        if (problem) return refuse(res, problem.status, problem.error);
      }
      const body = await readBody(req, res, 64 * 1024);
      if (body === undefined) return;
      if (!isBotFrameworkActivity(body))
        return refuse(res, 400, 'not a valid Bot Framework activity');
      const { serviceUrl } = body;
      if (mode === 'anonymous' && !isLoopbackServiceUrl(serviceUrl))
        return refuse(res, 403, 'serviceUrl not allowed');
      let authenticated: Authenticated;
      try {
        authenticated = await auth.authenticateRequest(body, req.headers.authorization ?? '');
      } catch (error) {
        if (statusOf(error) !== undefined) return refuse(res, 401, 'unauthorized');
        throw error;
      }
      // A channel's token names the serviceUrl it may use (the SDK checked it); other tokens
      // (the Emulator's, a skill's) do not: the allow-list is the bound for every request.
      if (mode === 'authenticated' && !matchesOrigin(serviceUrl, allowed))
        return refuse(res, 403, 'serviceUrl not allowed');
      const invoke = await adapter.runAuthenticated(authenticated, withDates(body), (context) =>
        bot.run(context),
      );
      if (invoke?.body === undefined) return void res.writeHead(invoke?.status ?? 200).end();
      sendJson(res, invoke.status, invoke.body);
    },
  };
}

export function botFrameworkMode(config: Config): BotFrameworkMode {
  if (config.MICROSOFT_APP_ID !== undefined) return 'authenticated';
  return config.BOTFRAMEWORK_ANONYMOUS ? 'anonymous' : 'off';
}

/** Why an anonymous request is refused, or undefined: loopback socket, no proxy in between. */
function anonymousProblem(req: IncomingMessage): { status: number; error: string } | undefined {
  if (!isLoopback(req.socket.remoteAddress))
    return { status: 401, error: 'anonymous requests are accepted from this machine only' };
  if (proxyHeaders.some((name) => req.headers[name] !== undefined))
    return { status: 403, error: 'anonymous requests through a proxy are refused' };
  return undefined;
}

/** Requests from this machine only (IPv4 127/8, ::1, or IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/** An http(s) URL on this machine, without credentials in it (the Emulator's own service). */
export function isLoopbackServiceUrl(text: string): boolean {
  const url = safeUrl(text);
  return (
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    isLocalUrl(url.origin)
  );
}

/**
 * Whether a URL's origin is one of `patterns` (`https://host[:port]`, or `https://*.host` for
 * any subdomain); no credentials in it. Path and query do not matter.
 */
export function matchesOrigin(text: string, patterns: readonly string[]): boolean {
  const url = safeUrl(text);
  if (!url || url.username !== '' || url.password !== '') return false;
  return patterns.some((pattern) => {
    const wildcard = pattern.replace('://*.', '://');
    const expected = safeUrl(wildcard);
    if (!expected || expected.protocol !== url.protocol || expected.port !== url.port) return false;
    if (wildcard === pattern) return expected.hostname === url.hostname;
    return url.hostname.endsWith(`.${expected.hostname}`);
  });
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Whether the body has the fields botbuilder and ConcertoBot read, each of the right type. */
function isBotFrameworkActivity(body: unknown): body is Activity {
  return botFrameworkActivitySchema.safeParse(body).success;
}

/** The SDK reads dates as Date objects (what its own request parser would have made). */
function withDates(activity: Activity): Activity {
  const at = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);
  const timestamp = at(activity.timestamp);
  const localTimestamp = at(activity.localTimestamp);
  return {
    ...activity,
    ...(timestamp ? { timestamp, rawTimestamp: String(activity.timestamp) } : {}),
    ...(localTimestamp
      ? { localTimestamp, rawLocalTimestamp: String(activity.localTimestamp) }
      : {}),
  };
}

/** The HTTP status an SDK authentication error carries, if it is one. */
function statusOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}
