import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sessionStateSchema } from '../dialogs/session-state.js';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const isoDate = optional.refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
  message: 'must be an ISO 8601 date, e.g. 2017-12-05T23:59:59+01:00',
});

const port = z.coerce.number().int().min(0).max(65535);

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/** `https://host`, `http://host:port` or `https://*.host`: where the bot may send Bot Framework replies. */
const serviceUrlPattern = /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?\/?$/i;
const serviceUrls = optional
  .transform((v) => (v === undefined ? undefined : v.split(',').map((entry) => entry.trim())))
  .refine((list) => list === undefined || list.every((entry) => serviceUrlPattern.test(entry)), {
    message:
      'a comma-separated list of origins, e.g. https://*.botframework.com,https://smba.trafficmanager.net',
  });

const email = z.email();
const webAddress = z.url({ protocol: /^https?$/ });
const contact = optional.refine(
  (v) => v === undefined || email.safeParse(v).success || webAddress.safeParse(v).success,
  { message: 'must be an e-mail address or an http(s) address, e.g. dpo@example.org' },
);

/** Every setting of DESIGN.md's contract table, with its default. */
const configSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  MONGODB_URI: optional,
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only')
    .default('concerto'),
  MONGODB_WRITE_CONCERN: z
    .string()
    .trim()
    .refine((v) => !/^0+$/.test(v), {
      message: '0 (unacknowledged writes) is refused: a reply must mean the answer is stored',
    })
    .refine((v) => /^(majority|[1-9]\d*|0+)$/.test(v), {
      message: 'must be "majority" or a number of nodes from 1',
    })
    .transform((v): 'majority' | number => (v === 'majority' ? v : Number(v)))
    .default('majority'),
  DATA_DIR: z.string().default('./data'),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: optional.pipe(z.url().optional()),
  /** The bot's @username (without @), for the t.me invitation links of the admin page. */
  TELEGRAM_BOT_USERNAME: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'a Telegram bot username, e.g. concerto_bot')
      .optional(),
  ),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, '1–256 of A-Z a-z 0-9 _ -')
      .optional(),
  ),
  /** How many webhook requests Telegram may have open at once (its own default is 40). */
  TELEGRAM_WEBHOOK_MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1, 'must be from 1 to 100 (Telegram’s range)')
    .max(100, 'must be from 1 to 100 (Telegram’s range)')
    .default(40),
  MICROSOFT_APP_ID: optional,
  MICROSOFT_APP_PASSWORD: optional,
  MICROSOFT_APP_TENANT_ID: optional,
  /** Local development only: /api/messages without Bot Framework authentication (the Emulator). */
  BOTFRAMEWORK_ANONYMOUS: flag,
  /** Origins the bot may send Bot Framework replies to (authenticated mode). */
  BOTFRAMEWORK_SERVICE_URLS: serviceUrls,
  /** `production` forbids the settings meant for a developer's machine. */
  NODE_ENV: optional,
  DIRECTLINE_SECRET: optional,
  ADMIN_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TRUST_PROXY: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONSULTATION_OPENS_AT: isoDate,
  CONSULTATION_CLOSES_AT: isoDate,
  DEFAULT_LANG: sessionStateSchema.shape.lang.default('fr'),
  TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  PSEUDONYM_SECRET: optional,
  /** The operator's data-protection contact, shown on the privacy and legal pages. */
  PRIVACY_CONTACT: contact,
  /** Web Push (reminders by notification): the server's VAPID keys, else stored in the database. */
  VAPID_PUBLIC_KEY: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{87}$/, {
        message: 'must be a base64url P-256 public key (65 bytes, 87 characters)',
        abort: true,
      })
      .refine((v) => Buffer.from(v, 'base64url')[0] === 4, 'must be an uncompressed point (BA…)')
      .optional(),
  ),
  VAPID_PRIVATE_KEY: optional.pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{43}$/,
        'must be a base64url P-256 private key (32 bytes, 43 characters)',
      )
      .optional(),
  ),
  /** Who push services may contact about our notifications. */
  VAPID_SUBJECT: optional.pipe(
    z
      .string()
      .refine(
        (v) => /^mailto:[^@\s]+@[^@\s]+$/.test(v) || webAddress.safeParse(v).success,
        'must be a mailto: address or an https address, e.g. mailto:dpo@example.org',
      )
      .refine((v) => !v.startsWith('http:'), 'must be https, not http')
      .optional(),
  ),
  /**
   * Telegram messages per second reminders may use, every process together; replies to
   * residents are counted in it too and never wait (Telegram allows about 30).
   */
  REMINDER_RATE: z.coerce.number().min(0.1).max(1000).default(29),
  /** Reminders one process sends at once (each its own block of a wave). */
  REMINDER_WORKERS: z.coerce.number().int().min(1).max(64).default(8),
  /** A block of a wave left this long unrenewed by a process (killed) is taken over. */
  REMINDER_LEASE_SECONDS: z.coerce.number().min(0.2).max(3600).default(30),
  /**
   * Overrides the consultation file's quiet hours: `HH:MM-HH:MM` (nothing sent from the first
   * to the second, in the consultation's time zone), or `off`.
   */
  REMINDER_QUIET_HOURS: optional.pipe(
    z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM-HH:MM, or off')
      .transform((v) => {
        const [from = '00:00', to = '00:00'] = v === 'off' ? [] : v.split('-');
        return { from, to };
      })
      .optional(),
  ),
  /** How often `serve` looks for due scheduled reminders and new waves. */
  REMINDER_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(15),
});

export type Config = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses settings; every problem is named, so one run shows them all. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const parsed = configSchema.safeParse(env);
  const fieldProblems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
  const problems = [...fieldProblems, ...contradictions(env)];
  if (parsed.success && problems.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, problems };
}

/**
 * Settings that are fine alone but not together. Checked on the raw values, so that they are
 * reported along with any invalid field.
 */
function contradictions(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const problems: string[] = [];
  const webhook = env['TELEGRAM_MODE']?.trim() === 'webhook';
  if (webhook && set('TELEGRAM_BOT_TOKEN') && !set('TELEGRAM_WEBHOOK_SECRET')) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook');
  }
  if (set('MICROSOFT_APP_ID') && !set('MICROSOFT_APP_PASSWORD')) {
    problems.push('MICROSOFT_APP_PASSWORD: is required when MICROSOFT_APP_ID is set');
  }
  // Pseudonyms keyed by a secret kept in the same database as the data would be reversible
  // by whoever holds a copy of it: production keeps the key elsewhere.
  if (env['NODE_ENV']?.trim() === 'production' && !set('PSEUDONYM_SECRET')) {
    problems.push(
      'PSEUDONYM_SECRET: is required when NODE_ENV=production (a long random value kept outside the database, e.g. `openssl rand -hex 32`)',
    );
  }
  // The image has no embedded server (it cannot build one): production names its database.
  if (env['NODE_ENV']?.trim() === 'production' && !set('MONGODB_URI')) {
    problems.push(
      'MONGODB_URI: is required when NODE_ENV=production (a replica set or Atlas, e.g. mongodb://mongo-1:27017,mongo-2:27017,mongo-3:27017/?replicaSet=rs0)',
    );
  }
  const anonymous = ['true', '1'].includes(env['BOTFRAMEWORK_ANONYMOUS']?.trim() ?? '');
  if (anonymous) {
    const why = 'is for local development only (Bot Framework Emulator on this machine)';
    if (env['NODE_ENV']?.trim() === 'production')
      problems.push(`BOTFRAMEWORK_ANONYMOUS: ${why}; it cannot be used with NODE_ENV=production`);
    if (!isLocalUrl(env['PUBLIC_URL']?.trim() || 'http://localhost:3000'))
      problems.push(
        `BOTFRAMEWORK_ANONYMOUS: ${why}; it cannot be used with a PUBLIC_URL that is not local (${env['PUBLIC_URL']?.trim()})`,
      );
    if (set('MICROSOFT_APP_ID'))
      problems.push(
        'BOTFRAMEWORK_ANONYMOUS: contradicts MICROSOFT_APP_ID (authenticated); set only one of them',
      );
  }
  const opens = Date.parse(env['CONSULTATION_OPENS_AT'] ?? '');
  const closes = Date.parse(env['CONSULTATION_CLOSES_AT'] ?? '');
  if (!Number.isNaN(opens) && !Number.isNaN(closes) && opens >= closes) {
    problems.push('CONSULTATION_CLOSES_AT: must be after CONSULTATION_OPENS_AT');
  }
  problems.push(...vapidContradictions(env));
  return problems;
}

/** Both VAPID keys or neither, and the public key must be the private key's. */
function vapidContradictions(env: Readonly<Record<string, string | undefined>>): string[] {
  const publicKey = env['VAPID_PUBLIC_KEY']?.trim() ?? '';
  const privateKey = env['VAPID_PRIVATE_KEY']?.trim() ?? '';
  if (publicKey === '' && privateKey === '') return [];
  if (publicKey === '') return ['VAPID_PUBLIC_KEY: is required when VAPID_PRIVATE_KEY is set'];
  if (privateKey === '') return ['VAPID_PRIVATE_KEY: is required when VAPID_PUBLIC_KEY is set'];
  if (!/^[A-Za-z0-9_-]{43}$/.test(privateKey)) return [];
  let derived: string;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    derived = ecdh.getPublicKey().toString('base64url');
  } catch {
    return ['VAPID_PRIVATE_KEY: is not a valid P-256 private key'];
  }
  return derived === publicKey
    ? []
    : ['VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY (generate the two together)'];
}

/** Whether a URL names this machine (localhost, 127.0.0.0/8, ::1). */
export function isLocalUrl(text: string): boolean {
  try {
    const host = new URL(text).hostname.toLowerCase();
    return (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host === '[::1]' ||
      /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
    );
  } catch {
    return false;
  }
}

/** The process environment over the `.env` file (when present): real variables win. */
export function readEnvironment(envFile = '.env'): Record<string, string | undefined> {
  let fileText = '';
  try {
    fileText = readFileSync(envFile, 'utf8');
  } catch {
    return { ...process.env };
  }
  return { ...parseDotEnv(fileText), ...process.env };
}

/** KEY=value lines; # comments; optional single or double quotes around the value. */
export function parseDotEnv(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, key = '', raw = ''] = match;
    entries[key] = raw.replace(/^(['"])(.*)\1$/, '$2');
  }
  return entries;
}
