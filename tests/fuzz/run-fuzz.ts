import { createServer, request, Agent, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { rawRequest } from '../http/raw-request.js';
import { malformedStored } from './check-stored.js';
import { fuzzRequests, type FuzzRequest } from './fuzz-requests.js';
import { startFuzzTarget, targetSecrets, type FuzzTarget } from './start-fuzz-target.js';

export interface EntryCount {
  cases: number;
  /** Answers by status ("200", "4xx"…; "closed" when the server closed without answering). */
  statuses: Record<string, number>;
}

/** Something the server must never do, with the input that made it. */
export interface FuzzFailure {
  entry: string;
  outcome: string;
  request: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  ms: number;
  byEntry: Record<string, EntryCount>;
  /** 5xx answers, transport errors and timeouts. */
  failures: FuzzFailure[];
  /** Mutated tokens the server still accepted (Direct Line's token strictness). */
  acceptedMutatedTokens: FuzzFailure[];
  /** Uncaught exceptions and unhandled rejections while the attack ran. */
  uncaught: string[];
  /** Heap in use after a full collection, MB, at regular points of the run (first after warm-up). */
  heapMb: number[];
  /** What was found malformed in the database at the end. */
  malformed: string[];
  /** The process answered /healthz at the end. */
  alive: boolean;
}

export interface FuzzOptions {
  mongoUri: string;
  seed: number;
  cases: number;
  onProgress?: (done: number, report: FuzzReport) => void;
}

/**
 * Attacks a real server in this process (every default channel on, a fresh database) with
 * `cases` requests drawn by fast-check from `seed`, one after the other, and reports what it
 * must never do: a 5xx, a dropped connection, an exception nobody caught, a malformed
 * document, memory that keeps growing. Nothing stops at the first failure: all are listed.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const uncaught: string[] = [];
  const record = (error: unknown) => uncaught.push(describe(error));
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  const fake = await FakeTelegramApi.start();
  const connector = await startConnector();
  let target: FuzzTarget | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  try {
    target = await startFuzzTarget(options.mongoUri, fake);
    const conversations = [];
    for (let i = 0; i < 3; i += 1) conversations.push(await generateConversation(target.baseUrl));
    const arbitrary = fuzzRequests({
      routes: target.routes,
      directLineSecret: targetSecrets.directLine,
      webhookSecret: targetSecrets.webhook,
      conversations,
      serviceUrl: connector.url,
    });
    const requests = fc.sample(arbitrary, { seed: options.seed, numRuns: options.cases });
    const report: FuzzReport = {
      seed: options.seed,
      cases: 0,
      ms: 0,
      byEntry: {},
      failures: [],
      acceptedMutatedTokens: [],
      uncaught,
      heapMb: [],
      malformed: [],
      alive: false,
    };
    const started = Date.now();
    const samplePoints = new Set(
      Array.from({ length: 10 }, (_, i) => Math.floor((requests.length * (i + 1)) / 10)),
    );
    for (const [index, fuzz] of requests.entries()) {
      const outcome = await send(target, fuzz, agent);
      count(report, fuzz, outcome);
      report.cases += 1;
      if (samplePoints.has(index + 1)) {
        report.heapMb.push(heapAfterCollection());
        options.onProgress?.(index + 1, report);
      }
    }
    report.ms = Date.now() - started;
    report.alive = (await fetch(`${target.baseUrl}/healthz`)).status === 200;
    report.malformed = await malformedStored(target.runtime.db);
    return report;
  } finally {
    agent.destroy();
    await target?.stop();
    await new Promise<void>((resolve) => connector.server.close(() => resolve()));
    await fake.close();
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  }
}

interface Outcome {
  status: number;
  error?: string;
}

async function send(target: FuzzTarget, fuzz: FuzzRequest, agent: Agent): Promise<Outcome> {
  if (fuzz.raw !== undefined) {
    const answer = await rawRequest(target.port, Buffer.from(fuzz.raw, 'latin1'), {
      endAfterWrite: !fuzz.raw.includes('upgrade: websocket'),
      timeoutMs: 10_000,
    });
    return { status: answer.status };
  }
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: fuzz.method,
        path: escapePath(fuzz.path),
        headers: fuzz.headers,
        agent,
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: res.statusCode ?? 0, error: error.code ?? error.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, error: error.code ?? error.message }),
    );
    req.end(fuzz.body);
  });
}

function count(report: FuzzReport, fuzz: FuzzRequest, outcome: Outcome): void {
  const entry = (report.byEntry[fuzz.entry] ??= { cases: 0, statuses: {} });
  entry.cases += 1;
  const key = outcome.error
    ? `error ${outcome.error}`
    : outcome.status === 0
      ? 'closed'
      : outcome.status >= 400
        ? `${Math.floor(outcome.status / 100)}xx`
        : String(outcome.status);
  entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
  const failed =
    outcome.status >= 500 ||
    outcome.error !== undefined ||
    // Broken HTTP may be answered by closing; everything else gets an answer.
    (outcome.status === 0 && fuzz.entry !== 'broken HTTP');
  const request = summary(fuzz);
  if (failed)
    report.failures.push({
      entry: fuzz.entry,
      outcome: outcome.error ?? String(outcome.status),
      request,
    });
  if (
    fuzz.mutatedToken &&
    ((outcome.status >= 200 && outcome.status < 300) || outcome.status === 101)
  )
    report.acceptedMutatedTokens.push({
      entry: fuzz.entry,
      outcome: String(outcome.status),
      request,
    });
}

/** The request as one line for a report (long bodies shortened). */
function summary(fuzz: FuzzRequest): string {
  if (fuzz.raw !== undefined) return JSON.stringify(fuzz.raw.slice(0, 300));
  const body =
    fuzz.body === undefined
      ? ''
      : ` ${JSON.stringify(fuzz.body.slice(0, 400))}${fuzz.body.length > 400 ? `… (${fuzz.body.length} chars)` : ''}`;
  return `${fuzz.method} ${fuzz.path.slice(0, 200)} ${JSON.stringify(fuzz.headers)}${body}`;
}

/** What Node's HTTP client accepts in a path: anything outside printable ASCII percent-encoded. */
function escapePath(path: string): string {
  // Half a surrogate pair cannot be UTF-8: sent as the invalid bytes a broken client would send.
  return path.replace(/[^\x21-\x7e]/gu, (char) =>
    /\p{Cs}/u.test(char) ? '%ED%A0%80' : encodeURIComponent(char),
  );
}

async function generateConversation(
  baseUrl: string,
): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(`${baseUrl}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${targetSecrets.directLine}` },
  });
  const body: unknown = await res.json();
  if (
    typeof body !== 'object' ||
    body === null ||
    !('conversationId' in body) ||
    !('token' in body)
  )
    throw new Error(`tokens/generate answered ${res.status}`);
  return { conversationId: String(body.conversationId), token: String(body.token) };
}

/** A Bot Framework connector on loopback: takes every reply, answers like the service. */
async function startConnector(): Promise<{ server: Server; url: string }> {
  let replies = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      replies += 1;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `r${replies}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    server,
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
  };
}

let collect: (() => void) | undefined;

/** Heap in use after a full garbage collection, in MB (gc exposed at run time if need be). */
function heapAfterCollection(): number {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? () => void gc() : () => undefined;
  }
  collect();
  collect();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}\n${error.stack ?? ''}`
    : String(error);
}
