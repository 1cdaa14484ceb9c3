// A running `concerto serve` (a real process, on the embedded FerretDB) whose database server is
// killed with SIGKILL: /readyz says so, the server is restarted on the same port by serve's
// supervisor (storage/ferretdb/start-shared-ferretdb.ts), and chat turns work again without
// restarting serve.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../storage/ferretdb/process-alive.js';
import { findFreePort } from '../../storage/find-free-port.js';
import { directLineHttp } from '../web/directline-http.js';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));

function serverState(dataDir: string): { pid: number; port: number } {
  return JSON.parse(readFileSync(path.join(dataDir, 'db', 'server.json'), 'utf8'));
}

async function readyz(baseUrl: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/readyz`);
  return { status: res.status, ms: Date.now() - started, body: await res.json() };
}

/** Polls /readyz until it answers `status` (there is no signal to await from outside). */
async function readyzUntil(baseUrl: string, status: number, timeoutMs: number) {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await readyz(baseUrl).catch(() => ({ status: 0, ms: 0, body: undefined }));
    seen.push(reply.status);
    if (reply.status === status) return { ...reply, seen };
    if (Date.now() > deadline) throw new Error(`/readyz never answered ${status}: ${seen.join()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('concerto serve when its embedded database is killed', () => {
  let dataDir: string;
  let serve: ChildProcess;
  let output = '';
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-serve-restart-'));
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    delete env.MONGODB_URI; // set by tests/global-setup.ts: serve must use its own embedded server
    serve = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    baseUrl = `http://127.0.0.1:${port}`;
    await readyzUntil(baseUrl, 200, 120_000);
  }, 150_000);

  afterAll(async () => {
    if (serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 while it is down, then recovers by itself, turns included', async () => {
    const dl = directLineHttp(baseUrl);
    const conversation = await dl.open();
    expect(await dl.say(conversation, { type: 'event', name: 'start', value: '' })).not.toEqual([]);
    const before = serverState(dataDir);

    process.kill(before.pid, 'SIGKILL');
    const down = await readyzUntil(baseUrl, 503, 10_000);
    expect(down.body).toMatchObject({ database: 'down' });
    expect(down.ms).toBeLessThan(3000); // not stuck waiting for the database
    const up = await readyzUntil(baseUrl, 200, 60_000);
    expect(up.seen.at(-1)).toBe(200);

    const after = serverState(dataDir);
    expect(after.pid).not.toBe(before.pid);
    expect(after.port).toBe(before.port);
    expect(serve.exitCode).toBeNull();
    expect(output).toMatch(/ferretdb \(pid \d+\) .*: restarting it on port/);
    expect(output).toMatch(/ferretdb restarted on/);

    const replies = await dl.say(conversation, { type: 'message', text: 'oui' });
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.text).join('\n')).not.toMatch(/réessayez|try again/i);

    // serve was the only client: stopping it stops the database server too.
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
    expect(processAlive(after.pid)).toBe(false);
  }, 120_000);
});
