// Vitest globalSetup: one MongoDB-compatible server for the whole run.
// MONGODB_URI set: use that server. Otherwise: build (cached) and start the embedded server
// (mongod on PATH, else FerretDB) in a fresh temporary directory, removed at teardown.
// Tests get the URI with `inject('mongoUri')` (see tests/helpers/test-database.ts); child
// processes spawned by tests see it as MONGODB_URI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../storage/embedded-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.MONGODB_URI;
  if (existing) {
    provide('mongoUri', existing);
    return async () => undefined;
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'concerto-test-mongo-'));
  const server = await startEmbeddedServer({
    dataDir,
    log: (msg) => console.error(`[global-setup] ${msg}`),
  });
  provide('mongoUri', server.uri);
  process.env.MONGODB_URI = server.uri;

  return async () => {
    delete process.env.MONGODB_URI;
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
