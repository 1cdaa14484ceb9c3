// One FerretDB server per data directory, shared by every process that uses it and restarted by
// them when it is lost. In the data directory (DATA_DIR/db for `concerto`):
//   ferretdb/      SQLite files, and ferretdb.lock: the server holds it, so a second one exits (3)
//   server.json    written by the server once ready: pid, start time, port, URI
//   clients/PID    one file per process using the server (its start time); the server stops
//                  within a second once none of them is alive, so kill -9 leaves no orphan
//   ferretdb.log   the server's output (errors only)
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type {
  EmbeddedServer,
  EmbeddedServerEvents,
  EmbeddedServerState,
} from '../embedded-server.js';
import { findFreePort } from '../find-free-port.js';
import { pingServer } from '../ping-server.js';
import { whenExited } from '../when-exited.js';
import { processAlive, processStartTime } from './process-alive.js';

export interface SharedFerretDBOptions {
  bin: string;
  dataDir: string;
  /** Port for a server this call starts; a running one is used whatever its port. */
  port?: number;
  log: (msg: string) => void;
}

/** Attaches to the data directory's running server, or starts one; supervises it until stop(). */
export async function startSharedFerretDB(options: SharedFerretDBOptions): Promise<EmbeddedServer> {
  const files = layout(options.dataDir);
  register(files.clientsDir);
  try {
    const live = await acquire(options.bin, files, options.port);
    options.log(
      live.child
        ? `ferretdb listening on ${live.uri} (pid ${live.pid}, data ${files.sqliteDir})`
        : `attached to the running ferretdb on ${live.uri} (pid ${live.pid}, data ${files.sqliteDir})`,
    );
    return new SharedFerretDB(options.bin, files, live, options.log);
  } catch (err) {
    unregister(files.clientsDir);
    throw err;
  }
}

const readyTimeoutMs = 20_000;
const acquireTimeoutMs = 60_000;
const checkEveryMs = 250;
const restartDelaysMs = [0, 250, 500, 1000, 2000, 5000];
const exitLocked = 3; // storage/ferretdb/sharing.go

interface Files {
  sqliteDir: string;
  stateFile: string;
  clientsDir: string;
  logFile: string;
}

function layout(dataDir: string): Files {
  return {
    sqliteDir: path.join(dataDir, 'ferretdb'),
    stateFile: path.join(dataDir, 'server.json'),
    clientsDir: path.join(dataDir, 'clients'),
    logFile: path.join(dataDir, 'ferretdb.log'),
  };
}

const stateSchema = z.object({
  pid: z.number().int().positive(),
  startTime: z.string().optional(),
  port: z.number().int().positive(),
  uri: z.string(),
});

/** A server that answered: from the state file, with the child when this process started it. */
type Live = z.infer<typeof stateSchema> & { child?: ChildProcess };

function readState(file: string): Live | undefined {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // absent, or being replaced
  }
}

// This process's registration in a clients directory, counted per handle.
const registrations = new Map<string, number>();
const handles = new Set<SharedFerretDB>();

function register(dir: string): void {
  const count = registrations.get(dir) ?? 0;
  registrations.set(dir, count + 1);
  if (count === 0) writeRegistration(dir);
}

function writeRegistration(dir: string): void {
  const file = path.join(dir, String(process.pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${processStartTime(process.pid) ?? ''}\n`);
  renameSync(`${file}.tmp`, file);
}

function unregister(dir: string): void {
  const count = (registrations.get(dir) ?? 1) - 1;
  if (count > 0) return void registrations.set(dir, count);
  registrations.delete(dir);
  rmSync(path.join(dir, String(process.pid)), { force: true });
}

function otherLiveClients(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  return names.filter((name) => {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) return false;
    let startTime: string;
    try {
      startTime = readFileSync(path.join(dir, name), 'utf8').trim();
    } catch {
      return false;
    }
    return processAlive(Number(name), startTime || undefined);
  }).length;
}

// A process that exits without stop() (e.g. process.exit) still detaches.
process.on('exit', () => {
  for (const handle of handles) handle.detachNow();
});

/** The running server (attached, or started on `port`, or on a free port). */
async function acquire(bin: string, files: Files, port: number | undefined): Promise<Live> {
  const deadline = Date.now() + acquireTimeoutMs;
  let clashes = 0;
  for (let attempt = 0; ; attempt++) {
    const running = readState(files.stateFile);
    if (running && processAlive(running.pid, running.startTime) && (await pingServer(running.uri)))
      return running;
    // The last server's port when free (other processes may still be pointed at it).
    const last = running && (await portIsFree(running.port)) ? running.port : undefined;
    const launched = await launch(bin, files, port ?? last ?? (await findFreePort('127.0.0.1')));
    if (launched.kind === 'ready') return launched.live;
    if (launched.kind === 'port taken' && port === undefined && ++clashes < 3) continue;
    if (launched.kind !== 'locked') throw new Error(launched.message);
    // Another process holds the data directory: it is starting the server, or stopping one.
    if (Date.now() > deadline)
      throw new Error(
        `embedded FerretDB: another process holds ${files.sqliteDir}, but no server answered in ${acquireTimeoutMs / 1000} s`,
      );
    await delay(Math.min(50 * 2 ** attempt, 1000));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return findFreePort('127.0.0.1', port).then(
    () => true,
    () => false,
  );
}

type Launched =
  | { kind: 'ready'; live: Live }
  | { kind: 'locked' }
  | { kind: 'port taken' | 'failed'; message: string };

/** Starts a server detached from this process (it may outlive it) and waits until it answers. */
async function launch(bin: string, files: Files, port: number): Promise<Launched> {
  const logFrom = fileSize(files.logFile);
  const output = openSync(files.logFile, 'a');
  let child: ChildProcess;
  try {
    const args = ['--listen', `127.0.0.1:${port}`, '--data', files.sqliteDir];
    args.push('--clients-dir', files.clientsDir, '--state-file', files.stateFile);
    child = spawn(bin, args, { detached: true, stdio: ['ignore', output, output] });
  } finally {
    closeSync(output);
  }
  child.unref();
  let ended: { code: number | null; how: string } | undefined;
  void whenExited(child).then((how) => (ended = how));
  const deadline = Date.now() + readyTimeoutMs;
  while (ended === undefined) {
    const state = readState(files.stateFile);
    if (state && state.pid === child.pid && (await pingServer(state.uri)))
      return { kind: 'ready', live: { ...state, child } };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      return {
        kind: 'failed',
        message: `ferretdb did not answer on port ${port} in ${readyTimeoutMs} ms:\n${logTail(files.logFile, logFrom)}`,
      };
    }
    await delay(50);
  }
  if (ended.code === exitLocked) return { kind: 'locked' };
  const tail = logTail(files.logFile, logFrom);
  return {
    kind: /address already in use/i.test(tail) ? 'port taken' : 'failed',
    message: `ferretdb (${bin}) ${ended.how} before it was ready (data ${files.sqliteDir}):\n${tail}`,
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The last lines the server wrote since `from`. */
function logTail(file: string, from: number): string {
  try {
    const text = readFileSync(file).subarray(from).toString('utf8');
    return text.trim().split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** Waits until the process is gone, SIGTERM first, SIGKILL after 5 s. */
async function terminate(live: Live): Promise<void> {
  if (await signalAndWait(live, 'SIGTERM', 5000)) return;
  await signalAndWait(live, 'SIGKILL', 2000);
}

async function signalAndWait(live: Live, signal: NodeJS.Signals, waitMs: number): Promise<boolean> {
  if (!processAlive(live.pid, live.startTime)) return true;
  process.kill(live.pid, signal);
  const deadline = Date.now() + waitMs;
  while (processAlive(live.pid, live.startTime)) {
    if (Date.now() > deadline) return false;
    await delay(25);
  }
  return true;
}

class SharedFerretDB implements EmbeddedServer {
  readonly kind = 'ferretdb';
  readonly uri: string;
  readonly port: number;
  readonly events = new EventEmitter<EmbeddedServerEvents>();
  private current: EmbeddedServerState = 'up';
  private live: Live;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bin: string,
    private readonly files: Files,
    live: Live,
    private readonly log: (msg: string) => void,
  ) {
    this.uri = live.uri;
    this.port = live.port;
    this.live = live;
    this.watch(live);
    this.timer = setInterval(() => this.check(), checkEveryMs);
    this.timer.unref();
    handles.add(this);
  }

  state(): EmbeddedServerState {
    return this.current;
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    clearInterval(this.timer);
    handles.delete(this);
    unregister(this.files.clientsDir);
    // The last process to leave stops the server now rather than in a second.
    if (!registrations.has(this.files.clientsDir) && otherLiveClients(this.files.clientsDir) === 0)
      await terminate(this.live);
  }

  /** stop() for process 'exit': synchronous, signals the server without waiting. */
  detachNow(): void {
    this.current = 'stopped';
    unregister(this.files.clientsDir);
    const last = !registrations.has(this.files.clientsDir);
    if (last && otherLiveClients(this.files.clientsDir) === 0 && processAlive(this.live.pid))
      process.kill(this.live.pid, 'SIGTERM');
  }

  private watch(live: Live): void {
    this.live = live;
    live.child?.once('exit', (code, signal) => {
      if (this.live === live) this.lost(signal ? `was killed by ${signal}` : `exited (${code})`);
    });
  }

  /** Catches the loss of a server this process did not start (and so gets no 'exit' for). */
  private check(): void {
    if (this.current === 'up' && !processAlive(this.live.pid, this.live.startTime))
      this.lost('is gone');
  }

  private lost(reason: string): void {
    if (this.current !== 'up') return;
    this.current = 'down';
    this.log(`ferretdb (pid ${this.live.pid}) ${reason}: restarting it on port ${this.port}`);
    this.events.emit('lost', reason);
    void this.recover();
  }

  /** Brings the server back on the same port (the driver reconnects by itself), with backoff. */
  private async recover(): Promise<void> {
    for (let attempt = 0; this.current === 'down'; attempt++) {
      await delay(restartDelaysMs[Math.min(attempt, restartDelaysMs.length - 1)]);
      if (this.current !== 'down') return;
      try {
        // Removed with the directory, say: the new server would stop at once without it.
        if (!existsSync(path.join(this.files.clientsDir, String(process.pid))))
          writeRegistration(this.files.clientsDir);
        const live = await acquire(this.bin, this.files, this.port);
        if (live.port !== this.port)
          throw new Error(`another process runs it on port ${live.port}: restart this process`);
        if (this.current !== 'down') return;
        this.watch(live);
        this.current = 'up';
        this.log(
          live.child
            ? `ferretdb restarted on ${this.uri} (pid ${live.pid}, attempt ${attempt + 1})`
            : `ferretdb is back on ${this.uri} (pid ${live.pid}, restarted by another process)`,
        );
        this.events.emit('restored', live.child ? 'restarted' : 'attached');
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        this.log(`ferretdb restart attempt ${attempt + 1} failed: ${why}`);
      }
    }
  }
}
