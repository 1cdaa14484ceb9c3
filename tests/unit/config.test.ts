import { describe, expect, it } from 'vitest';
import { parseConfig, parseDotEnv } from '../../bot/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const parsed = parseConfig({});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://localhost:3000',
      MONGODB_DB: 'concerto',
      TELEGRAM_MODE: 'polling',
      LOG_LEVEL: 'info',
      TRANSCRIPT_RETENTION_DAYS: 365,
    });
    expect(parsed.config.MONGODB_URI).toBeUndefined();
  });

  it('names every problem at once, contradictory settings included', () => {
    const parsed = parseConfig({
      PORT: 'eighty',
      TELEGRAM_BOT_TOKEN: '123:abc',
      TELEGRAM_MODE: 'webhook',
      MICROSOFT_APP_ID: 'app',
      CONSULTATION_OPENS_AT: '2017-12-06T00:00:00+01:00',
      CONSULTATION_CLOSES_AT: '2017-12-05T23:59:59+01:00',
      ADMIN_TOKEN: 'short',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const named = parsed.problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'PORT',
        'TELEGRAM_WEBHOOK_SECRET',
        'MICROSOFT_APP_PASSWORD',
        'CONSULTATION_CLOSES_AT',
        'ADMIN_TOKEN',
      ]),
    );
  });

  it("keeps the webhook's open connections within Telegram's range of 1 to 100", () => {
    const connections = (value: string) => {
      const parsed = parseConfig({ TELEGRAM_WEBHOOK_MAX_CONNECTIONS: value });
      return parsed.ok ? parsed.config.TELEGRAM_WEBHOOK_MAX_CONNECTIONS : parsed.problems;
    };
    expect(connections('80')).toBe(80);
    const unset = parseConfig({});
    expect(unset.ok && unset.config.TELEGRAM_WEBHOOK_MAX_CONNECTIONS).toBe(40);
    expect(connections('101')).toEqual([
      'TELEGRAM_WEBHOOK_MAX_CONNECTIONS: must be from 1 to 100 (Telegram’s range)',
    ]);
    expect(connections('0')).toEqual([
      'TELEGRAM_WEBHOOK_MAX_CONNECTIONS: must be from 1 to 100 (Telegram’s range)',
    ]);
  });

  it('refuses unacknowledged writes clearly, and accepts majority or a number of nodes', () => {
    const concern = (value: string) => {
      const parsed = parseConfig({ MONGODB_WRITE_CONCERN: value });
      return parsed.ok ? parsed.config.MONGODB_WRITE_CONCERN : parsed.problems;
    };
    expect(concern('majority')).toBe('majority');
    expect(concern(' 2 ')).toBe(2);
    expect(concern('0')).toEqual([
      'MONGODB_WRITE_CONCERN: 0 (unacknowledged writes) is refused: a reply must mean the answer is stored',
    ]);
    expect(concern('all')).toEqual([
      'MONGODB_WRITE_CONCERN: must be "majority" or a number of nodes from 1',
    ]);
    expect(concern('-1')).toEqual([
      'MONGODB_WRITE_CONCERN: must be "majority" or a number of nodes from 1',
    ]);
  });

  it('reads .env lines: comments, export, quotes', () => {
    expect(
      parseDotEnv('# a comment\nexport PORT=8080\nHOST="0.0.0.0"\nBAD LINE\nLOG_LEVEL=\'debug\'\n'),
    ).toEqual({
      PORT: '8080',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
    });
  });
});

describe('concerto with a bad configuration', () => {
  it('stops before starting anything, naming each problem', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = new URL('../../bin/concerto.mjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [bin, 'serve'], {
      env: { ...process.env, PORT: '99999', TELEGRAM_MODE: 'carrier-pigeon' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('invalid configuration');
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).toContain('TELEGRAM_MODE');
  }, 40_000);
});
