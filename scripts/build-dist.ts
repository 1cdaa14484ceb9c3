import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run build`: the TypeScript compiled to `dist/` (tsconfig.build.json), then every file the
 * code reads at run time beside its compiled module (static web files, the shipped reference
 * councils, notes), so that each `new URL('…', import.meta.url)` resolves from dist as from the
 * sources. JSON that the code imports is emitted by tsc itself.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
/** Folders whose non-TypeScript files ship; FerretDB's Go wrapper is for the embedded server only. */
const sourceDirs = ['bot', 'dialogs', 'locales', 'storage'];
const skipped = [path.join('storage', 'ferretdb')];

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const dir of sourceDirs) copied += copyAssets(dir);
process.stderr.write(`build: dist/ compiled, ${copied} asset files copied\n`);

function copyAssets(relative: string): number {
  if (skipped.includes(relative)) return 0;
  let count = 0;
  for (const name of readdirSync(path.join(root, relative))) {
    const from = path.join(relative, name);
    if (statSync(path.join(root, from)).isDirectory()) count += copyAssets(from);
    else if (!name.endsWith('.ts')) {
      cpSync(path.join(root, from), path.join(dist, from));
      count += 1;
    }
  }
  return count;
}
