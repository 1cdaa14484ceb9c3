// One embedded FerretDB per data directory, shared by every process that uses it
// (storage/ferretdb/start-shared-ferretdb.ts), with real processes: stand-ins for `concerto serve`
// (tests/helpers/embedded-server-client.ts) and a real `concerto councils import`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../storage/ferretdb/process-alive.js';
import { pingServer } from '../../storage/ping-server.js';
import { ServerClientProcess } from '../helpers/server-client-process.js';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));
const timeout = 120_000;

/** The server's state file (written by the wrapper once it is ready). */
function serverState(dbDir: string): { pid: number; port: number; uri: string } {
  return JSON.parse(readFileSync(path.join(dbDir, 'server.json'), 'utf8'));
}

/** Polls a condition about another process (there is no signal to await for those). */
async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The environment of a `concerto` command on the embedded server of dataDir. */
function concertoEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.MONGODB_URI; // set by tests/global-setup.ts for the shared test server
  return env;
}

describe('the embedded server of a data directory', () => {
  let root: string;
  const clients: ServerClientProcess[] = [];
  const client = (dbDir: string): ServerClientProcess => {
    const started = new ServerClientProcess(dbDir);
    clients.push(started);
    return started;
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'concerto-shared-server-'));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.kill();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    'serves a CLI command run beside it, outlives it, and stops once every client is killed',
    async () => {
      const dataDir = path.join(root, 'cli');
      const dbDir = path.join(dataDir, 'db'); // where the runtime puts it (bot/start-runtime.ts)
      const first = client(dbDir);
      const { uri } = await first.ready();
      const server = serverState(dbDir);

      const csv = path.join(root, 'councils.csv');
      writeFileSync(
        csv,
        'code,name,commune,commune_insee,department,department_name\n' +
          'QN05981M,Nouveau Roubaix,Roubaix,59512,59,Nord\n',
      );
      const cli = spawn(process.execPath, [bin, 'councils', 'import', csv], {
        env: concertoEnv(dataDir),
      });
      let cliOutput = '';
      cli.stdout.on('data', (chunk: Buffer) => (cliOutput += chunk.toString()));
      cli.stderr.on('data', (chunk: Buffer) => (cliOutput += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
      expect(code, cliOutput).toBe(0);

      // The command used the running server (no second one), which has its write at once.
      expect(serverState(dbDir).pid).toBe(server.pid);
      const mongo = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
      try {
        const council = await mongo.db('concerto').collection('councils').findOne({});
        expect(council).toMatchObject({ _id: 'QN05981M', name: 'Nouveau Roubaix' });
      } finally {
        await mongo.close();
      }
      // The command is gone; the server still serves the first process.
      expect(await pingServer(uri)).toBe(true);
      expect(processAlive(server.pid)).toBe(true);

      first.kill();
      expect(await eventually(() => !processAlive(server.pid))).toBe(true);
    },
    timeout,
  );

  it(
    'is started once when two processes start at the same moment',
    async () => {
      const dbDir = path.join(root, 'race', 'db');
      const [a, b] = [client(dbDir), client(dbDir)];
      const [ra, rb] = await Promise.all([a.ready(), b.ready()]);
      expect(ra.uri).toBe(rb.uri);
      const { pid } = serverState(dbDir);
      expect(ra.uri).toBe(serverState(dbDir).uri);

      a.kill();
      await a.exited;
      expect(await pingServer(ra.uri)).toBe(true); // b still uses it
      b.kill();
      expect(await eventually(() => !processAlive(pid))).toBe(true);
    },
    timeout,
  );

  it(
    'is restarted once on the same port when lost, and every client gets it back',
    async () => {
      const dbDir = path.join(root, 'restart', 'db');
      const starter = client(dbDir);
      const { uri, port } = await starter.ready();
      const attached = client(dbDir);
      expect((await attached.ready()).uri).toBe(uri);
      const lostServer = serverState(dbDir).pid;

      process.kill(lostServer, 'SIGKILL');
      const restored = await Promise.all(
        [starter, attached].map((c) => c.next((f) => f.event === 'restored')),
      );
      expect(restored.map((f) => f.how).sort()).toEqual(['attached', 'restarted']);
      for (const c of [starter, attached])
        expect(c.facts.filter((f) => f.event === 'lost')).toHaveLength(1);
      const now = serverState(dbDir);
      expect(now.pid).not.toBe(lostServer);
      expect(now.port).toBe(port);
      expect(await pingServer(uri)).toBe(true);

      // Stopped cleanly: the last one to leave stops it.
      await starter.stop();
      expect(processAlive(now.pid)).toBe(true);
      await attached.stop();
      expect(processAlive(now.pid)).toBe(false);
    },
    timeout,
  );
});
