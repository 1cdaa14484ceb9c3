// Development/test MongoDB server: a real `mongod` on PATH, else FerretDB v1 (SQLite backend)
// built from storage/ferretdb, else mongodb-memory-server if it is installed. The FerretDB server
// is shared by every process using the same data directory and restarted when it is lost
// (storage/ferretdb/start-shared-ferretdb.ts); the other two belong to the process that started
// them, as before.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from './find-free-port.js';
import { startSharedFerretDB } from './ferretdb/start-shared-ferretdb.js';
import { pingServer } from './ping-server.js';
import { whenExited } from './when-exited.js';

export interface EmbeddedServer {
  uri: string;
  port: number;
  kind: 'mongod' | 'ferretdb' | 'mongodb-memory-server';
  /**
   * 'up' while the server runs, 'down' while it is lost and being restarted on the same port
   * (FerretDB only), 'stopped' after stop().
   */
  state(): EmbeddedServerState;
  /** 'lost' (with the reason) when the server goes away, 'restored' when it is back. */
  events: EventEmitter<EmbeddedServerEvents>;
  /**
   * Detaches this process. FerretDB keeps running while another process uses it; the last one
   * stops it and waits until it is gone.
   */
  stop(): Promise<void>;
}

export type EmbeddedServerState = 'up' | 'down' | 'stopped';

export interface EmbeddedServerEvents {
  lost: [reason: string];
  /** 'restarted' by this process, or 'attached' to one another process restarted. */
  restored: [how: 'restarted' | 'attached'];
}

export interface EmbeddedServerOptions {
  /** Where the server keeps its files; FerretDB: one server per directory, shared. */
  dataDir: string;
  /** Port for a server this call starts (a running FerretDB is used whatever its port). */
  port?: number;
  /** Start, attach, loss and restart messages. */
  log?: (msg: string) => void;
}

const repoRoot = repositoryRoot(path.dirname(fileURLToPath(import.meta.url)));
const buildScript = path.join(repoRoot, 'scripts', 'build-ferretdb.sh');
const ferretdbBinary = path.join(repoRoot, '.cache', 'ferretdb', 'ferretdb');
const readyTimeoutMs = 20_000;
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir || '.', name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Collects the last few KB of a child's stdout and stderr, for error messages. */
function outputTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim().split('\n').slice(-15).join('\n');
}

async function runBuildScript(log: (msg: string) => void): Promise<void> {
  if (!existsSync(ferretdbBinary)) log('building FerretDB (the first build takes 1-2 minutes)...');
  const child = spawn('bash', [buildScript], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = outputTail(child);
  const ended = await whenExited(child);
  if (ended.code !== 0) throw new Error(`scripts/build-ferretdb.sh ${ended.how}:\n${tail()}`);
  log(tail());
}

/** A server owned by this process: up until stop(), never restarted. */
function ownedServer(
  uri: string,
  port: number,
  kind: EmbeddedServer['kind'],
  stopServer: () => Promise<void>,
): EmbeddedServer {
  let current: EmbeddedServerState = 'up';
  return {
    uri,
    port,
    kind,
    state: () => current,
    events: new EventEmitter<EmbeddedServerEvents>(),
    stop: async () => {
      current = 'stopped';
      await stopServer();
    },
  };
}

/** Spawns mongod and waits for it to answer `ping`; rejects with its output if it exits. */
async function launchMongod(bin: string, dir: string, port: number): Promise<EmbeddedServer> {
  const args = ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const tail = outputTail(child);
  const exited = whenExited(child);
  let earlyExit: string | undefined;
  void exited.then(({ how }) => {
    earlyExit = how;
    running.delete(child);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };
  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + readyTimeoutMs;
  while (earlyExit === undefined) {
    if (await pingServer(uri)) return ownedServer(uri, port, 'mongod', stop);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mongod did not answer ping on ${uri} in ${readyTimeoutMs} ms:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`mongod (${bin}) ${earlyExit} before it was ready (data ${dir}):\n${tail()}`);
}

type MemoryServer = { getUri(): string; stop(o: { doCleanup: boolean }): Promise<unknown> };
type InstanceOptions = { instance: { dbPath: string; port: number; ip: string } };
type MemoryServerModule = {
  MongoMemoryServer: { create(o: InstanceOptions): Promise<MemoryServer> };
};
function isMemoryServerModule(mod: unknown): mod is MemoryServerModule {
  if (typeof mod !== 'object' || mod === null || !('MongoMemoryServer' in mod)) return false;
  const cls: unknown = mod.MongoMemoryServer;
  return typeof cls === 'function' && 'create' in cls && typeof cls.create === 'function';
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const log = options.log ?? ((msg: string) => console.error(`[embedded-server] ${msg}`));
  const dataDir = path.resolve(options.dataDir);

  const mongod = onPath('mongod');
  const canBuild = onPath('go') !== undefined;
  const hasFerretDB = canBuild || existsSync(ferretdbBinary);
  const engine = mongod ? 'mongod' : hasFerretDB ? 'ferretdb' : undefined;

  const dir = path.join(dataDir, engine ?? 'mongodb-memory-server');
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`embedded MongoDB server: cannot use data directory ${dataDir}: ${reason}`);
  }

  if (engine === 'ferretdb') {
    if (canBuild) await runBuildScript(log);
    return startSharedFerretDB({ bin: ferretdbBinary, dataDir, port: options.port, log });
  }

  if (engine === undefined) {
    const moduleName = 'mongodb-memory-server';
    const mod: unknown = await import(moduleName).catch(() => undefined);
    if (!isMemoryServerModule(mod)) {
      throw new Error(
        'No MongoDB server available. Either (a) put `mongod` on PATH, (b) install Go >= 1.24 so ' +
          'scripts/build-ferretdb.sh can build FerretDB, or (c) `npm install -D mongodb-memory-server`; ' +
          'or set MONGODB_URI to an existing server.',
      );
    }
    const port = await findFreePort('127.0.0.1', options.port);
    const mms = await mod.MongoMemoryServer.create({
      instance: { dbPath: dir, port, ip: '127.0.0.1' },
    });
    log(`mongodb-memory-server listening on ${mms.getUri()}`);
    return ownedServer(mms.getUri(), port, 'mongodb-memory-server', async () => {
      await mms.stop({ doCleanup: false });
    });
  }

  // A port picked by us may be taken by someone else before the server binds it: retry then.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort('127.0.0.1', options.port);
    try {
      const server = await launchMongod(mongod ?? 'mongod', dir, port);
      log(`mongod listening on ${server.uri} (data ${dir})`);
      return server;
    } catch (err) {
      const portClash = err instanceof Error && /address already in use/i.test(err.message);
      if (options.port !== undefined || !portClash || attempt >= 3) throw err;
    }
  }
}

/** The checkout this module runs from: `storage/..`, or `dist/storage/../..` once compiled. */
function repositoryRoot(here: string): string {
  const parent = path.resolve(here, '..');
  return path.basename(parent) === 'dist' ? path.resolve(parent, '..') : parent;
}
