import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generate } from 'selfsigned';

/** What a browser holds for one subscription: the public part goes to the application server. */
export interface FakeSubscription {
  id: string;
  /** `PushSubscription.toJSON()` as a browser gives it. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  /** The application server key the browser subscribed with (base64url). */
  applicationServerKey: string;
}

/** One push request the service took (201), decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted payload. */
  text: string;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  /** The VAPID JWT's claims. */
  claims: { aud: string; exp: number; sub: string };
}

/** One request answered with something else than 201, and why. */
export interface RefusedPush {
  subscriptionId: string;
  status: number;
  reason: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface FakePushService {
  origin: string;
  /** An agent that trusts this service's self-signed certificate (and only it). */
  agent: Agent;
  /** The certificate, for a browser told to trust it. */
  cert: string;
  /** A browser subscribing with the application server's public key. */
  subscribe(applicationServerKey: string): FakeSubscription;
  /** The browser dropped it: from now on its endpoint answers 410 Gone. */
  unsubscribe(id: string): void;
  /** The next requests to this subscription get these answers (after the checks pass). */
  script(id: string, ...answers: ScriptedAnswer[]): void;
  received: ReceivedPush[];
  refused: RefusedPush[];
  close(): Promise<void>;
}

interface Held {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  applicationServerKey: string;
  gone: boolean;
  answers: ScriptedAnswer[];
}

/**
 * A push service as browsers' vendors run them (RFC 8030), on https with a self-signed
 * certificate: each request must carry a valid VAPID JWT (RFC 8292: ES256, `aud` the endpoint's
 * origin, `exp` within 24 h, signed by the key the browser subscribed with) and an aes128gcm
 * payload (RFC 8188 / RFC 8291), which it DECRYPTS with the subscription's private key, as the
 * browser would. Answers 201, or 401/403/400 when a check fails, 410 for a dropped
 * subscription, or what a test scripts (404, 410, 429 with Retry-After, 503…).
 */
export async function startFakePushService(): Promise<FakePushService> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const held = new Map<string, Held>();
  const received: ReceivedPush[] = [];
  const refused: RefusedPush[] = [];
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const body = await readAll(req);
    const refuse = (status: number, reason: string) => {
      refused.push({ subscriptionId: id, status, reason });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
    };
    const subscription = held.get(id);
    if (req.method !== 'POST') return refuse(405, 'POST only');
    if (!subscription) return refuse(404, 'no such subscription');
    if (subscription.gone) return refuse(410, 'subscription expired or unsubscribed');
    const vapid = checkVapid(req.headers.authorization, origin, subscription.applicationServerKey);
    if (!vapid.ok) return refuse(vapid.status, vapid.reason);
    const ttl = Number(req.headers['ttl']);
    if (!Number.isInteger(ttl) || ttl < 0) return refuse(400, 'missing or bad TTL header');
    if (req.headers['content-encoding'] !== 'aes128gcm')
      return refuse(415, 'expected Content-Encoding: aes128gcm');
    let text: string;
    try {
      text = decryptAes128gcm(body, subscription.ecdh, subscription.auth).toString('utf8');
    } catch (error) {
      return refuse(400, `cannot decrypt the payload: ${String(error)}`);
    }
    const scripted = subscription.answers.shift();
    if (scripted && scripted.status !== 201) {
      refused.push({ subscriptionId: id, status: scripted.status, reason: 'scripted' });
      res.writeHead(scripted.status, scripted.headers ?? {}).end();
      return;
    }
    received.push({
      subscriptionId: id,
      text,
      ttl,
      urgency: header(req, 'urgency'),
      topic: header(req, 'topic'),
      claims: vapid.claims,
    });
    res.writeHead(201, { location: `${origin}/message/${randomBytes(6).toString('hex')}` }).end();
  };

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const agent = new Agent({ ca: pems.cert, keepAlive: false });

  return {
    origin,
    agent,
    cert: pems.cert,
    subscribe(applicationServerKey) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomBytes(9).toString('base64url');
      held.set(id, { ecdh, auth, applicationServerKey, gone: false, answers: [] });
      return {
        id,
        applicationServerKey,
        json: {
          endpoint: `${origin}/push/${id}`,
          expirationTime: null,
          keys: {
            p256dh: ecdh.getPublicKey().toString('base64url'),
            auth: auth.toString('base64url'),
          },
        },
      };
    },
    unsubscribe(id) {
      const subscription = held.get(id);
      if (subscription) subscription.gone = true;
    },
    script(id, ...answers) {
      held.get(id)?.answers.push(...answers);
    },
    received,
    refused,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type VapidCheck =
  { ok: true; claims: ReceivedPush['claims'] } | { ok: false; status: 401 | 403; reason: string };

/** RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`, the JWT ES256 over the origin. */
export function checkVapid(
  authorization: string | undefined,
  audience: string,
  subscribedKey: string,
  now = Date.now(),
): VapidCheck {
  const match = /^vapid\s+t=([^,\s]+)\s*,\s*k=([A-Za-z0-9_-]+)$/i.exec(authorization ?? '');
  if (!match) return { ok: false, status: 401, reason: 'expected Authorization: vapid t=…, k=…' };
  const [, jwt = '', key = ''] = match;
  // A push service holds the key the browser subscribed with: another key is someone else.
  if (key !== subscribedKey)
    return { ok: false, status: 403, reason: 'k is not the key of the subscription' };
  const [head = '', body = '', signature = '', extra] = jwt.split('.');
  if (extra !== undefined || !signature) return { ok: false, status: 401, reason: 'malformed JWT' };
  const header = parseJson(head);
  if (header?.['alg'] !== 'ES256' || header['typ'] !== 'JWT')
    return { ok: false, status: 401, reason: 'JWT header is not ES256 / JWT' };
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return { ok: false, status: 403, reason: 'bad JWT signature' };
  const claims = parseJson(body);
  const aud = claims?.['aud'];
  const exp = claims?.['exp'];
  const sub = claims?.['sub'];
  if (aud !== audience)
    return { ok: false, status: 403, reason: `aud ${String(aud)} ≠ ${audience}` };
  if (typeof exp !== 'number' || exp * 1000 <= now || exp * 1000 > now + 24 * 3600_000 + 60_000)
    return { ok: false, status: 403, reason: 'exp not within the next 24 hours' };
  if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub))
    return { ok: false, status: 403, reason: 'sub is not a mailto: or https: contact' };
  return { ok: true, claims: { aud, exp, sub } };
}

/**
 * RFC 8291 with RFC 8188's aes128gcm: salt (16) · rs (4) · idlen (1) · keyid (the sender's
 * P-256 public key) · records. The key comes from ECDH with the subscription's private key and
 * HKDF over the auth secret; each record is AES-128-GCM with the nonce XOR its sequence number.
 */
export function decryptAes128gcm(
  body: Buffer,
  receiver: ReturnType<typeof createECDH>,
  auth: Buffer,
): Buffer {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  const senderKey = body.subarray(21, 21 + idlen);
  if (idlen !== 65 || senderKey[0] !== 4) throw new Error('keyid is not a P-256 public key');
  if (rs < 18) throw new Error(`record size ${rs} too small`);
  const secret = receiver.computeSecret(senderKey);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    receiver.getPublicKey(),
    senderKey,
  ]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, auth, keyInfo, 32));
  const cek = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
  );
  const nonce = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12),
  );
  const records = body.subarray(21 + idlen);
  const parts: Buffer[] = [];
  for (let seq = 0, at = 0; at < records.length; seq += 1, at += rs) {
    const record = records.subarray(at, at + rs);
    const iv = Buffer.from(nonce);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, iv);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([
      decipher.update(record.subarray(0, record.length - 16)),
      decipher.final(),
    ]);
    const last = at + rs >= records.length;
    // Padding: the delimiter (2 on the last record, 1 before) then zeros.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end -= 1;
    if (plain[end] !== (last ? 2 : 1)) throw new Error('bad padding delimiter');
    parts.push(plain.subarray(0, end));
  }
  return Buffer.concat(parts);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(base64url: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64url, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value))
      : undefined;
  } catch {
    return undefined;
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
