import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { runChat } from '../../bot/console/run-chat.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime, type Runtime } from '../../bot/start-runtime.js';
import { translator } from '../../dialogs/translate.js';
import { startEmbeddedServer, type EmbeddedServer } from '../../storage/embedded-server.js';
import { findFreePort } from '../../storage/find-free-port.js';

/**
 * The database goes away under a running bot: /readyz says so, the person is told their
 * answers are safe, and everything continues without a restart once the database is back.
 */
describe('bot with the database down', () => {
  let dataDir: string;
  let mongoPort: number;
  let mongo: EmbeddedServer | undefined;
  let runtime: Runtime;
  let baseUrl: string;
  let stopHttp: () => Promise<void>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-bot-outage-'));
    mongoPort = await findFreePort();
    mongo = await startEmbeddedServer({ dataDir, port: mongoPort, log: () => undefined });
    const parsed = parseConfig({
      MONGODB_URI: mongo.uri,
      MONGODB_DB: 'bot_outage',
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    runtime = await startRuntime(parsed.config, createLogger('silent'), {
      referenceCouncils: false,
    });
    const { server, port } = await startServer(runtime, []);
    baseUrl = `http://127.0.0.1:${port}`;
    stopHttp = () => new Promise((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await stopHttp();
    await runtime.close();
    await mongo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports it, apologises, and recovers without a restart', async () => {
    const identity = { channel: 'console' as const, externalId: 'outage-user' };
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    await runtime.handleTurn(identity, { kind: 'start' });
    const consent = await runtime.handleTurn(identity, {
      kind: 'choice',
      promptId: '_consent',
      choiceId: 'yes',
    });
    expect(consent.events.map((e) => e.type)).toContain('consent_given');

    await mongo?.stop();
    mongo = undefined;
    const down = await fetch(`${baseUrl}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ database: 'down' });

    // What a person in the terminal sees: a plain apology, not a crash.
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const chat = runChat({
      handleTurn: runtime.handleTurn,
      user: 'outage-user',
      json: true,
      input,
      output,
      apology: (lang) => translator(runtime.catalog, lang)('error.temporary'),
    });
    input.end();
    await chat;
    expect(printed).toContain('Vos réponses précédentes sont en sécurité');

    mongo = await startEmbeddedServer({ dataDir, port: mongoPort, log: () => undefined });
    let ready = 0;
    for (let i = 0; i < 40 && ready !== 200; i += 1) {
      ready = (await fetch(`${baseUrl}/readyz`)).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready).toBe(200);
    const resumed = await runtime.handleTurn(identity, { kind: 'command', command: 'resume' });
    expect(resumed.replies.at(-1)?.promptId).toBe('role');
    const role = await runtime.handleTurn(identity, {
      kind: 'choice',
      promptId: 'role',
      choiceId: 'tire',
    });
    expect(role.events.map((e) => e.type)).toContain('answer_recorded');
  }, 90_000);
});
