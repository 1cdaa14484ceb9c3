import { readFileSync } from 'node:fs';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const isoDate = optional.refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
  message: 'must be an ISO 8601 date, e.g. 2017-12-05T23:59:59+01:00',
});

const port = z.coerce.number().int().min(0).max(65535);

/** Every setting of DESIGN.md's contract table, with its default. */
const configSchema = z
  .object({
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
      .regex(/^(majority|\d+)$/, 'must be "majority" or a number')
      .default('majority'),
    DATA_DIR: z.string().default('./data'),
    TELEGRAM_BOT_TOKEN: optional,
    TELEGRAM_API_ROOT: optional.pipe(z.url().optional()),
    TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
    TELEGRAM_WEBHOOK_SECRET: optional.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, '1–256 of A-Z a-z 0-9 _ -')
        .optional(),
    ),
    MICROSOFT_APP_ID: optional,
    MICROSOFT_APP_PASSWORD: optional,
    MICROSOFT_APP_TENANT_ID: optional,
    DIRECTLINE_SECRET: optional,
    ADMIN_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    CONSULTATION_OPENS_AT: isoDate,
    CONSULTATION_CLOSES_AT: isoDate,
    DEFAULT_LANG: z.enum(['fr', 'en']).default('fr'),
    TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    PSEUDONYM_SECRET: optional,
  })
  .superRefine((c, ctx) => {
    if (c.TELEGRAM_MODE === 'webhook' && c.TELEGRAM_BOT_TOKEN && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'is required when TELEGRAM_MODE=webhook',
      });
    }
    if (c.MICROSOFT_APP_ID && !c.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['MICROSOFT_APP_PASSWORD'],
        message: 'is required when MICROSOFT_APP_ID is set',
      });
    }
    const { CONSULTATION_OPENS_AT: opens, CONSULTATION_CLOSES_AT: closes } = c;
    if (opens && closes && Date.parse(opens) >= Date.parse(closes)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CONSULTATION_CLOSES_AT'],
        message: 'must be after CONSULTATION_OPENS_AT',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses settings; every problem is named, so one run shows them all. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`,
    ),
  };
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
