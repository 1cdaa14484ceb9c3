import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = fileURLToPath(new URL('../../.cache/webchat/', import.meta.url));
export const webChatVersion = '4.18';

/**
 * Microsoft's Bot Framework Web Chat bundle (`dist/webchat.js`), unchanged: fetched once from
 * the npm registry with `npm pack` into .cache/webchat/ (not a dependency of the project),
 * then read from there. Returns the file's path.
 */
export function webChatBundle(): string {
  const unpacked = join(cache, 'package', 'dist', 'webchat.js');
  if (existsSync(unpacked)) return unpacked;
  mkdirSync(cache, { recursive: true });
  const packed = () => readdirSync(cache).find((f) => /^botframework-webchat-.*\.tgz$/.test(f));
  if (!packed())
    execFileSync('npm', ['pack', `botframework-webchat@${webChatVersion}`, '--silent'], {
      cwd: cache,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 180_000,
    });
  const tarball = packed();
  if (!tarball) throw new Error(`npm pack botframework-webchat@${webChatVersion} gave no tarball`);
  execFileSync('tar', ['-xzf', tarball, 'package/dist/webchat.js', 'package/package.json'], {
    cwd: cache,
  });
  return unpacked;
}
