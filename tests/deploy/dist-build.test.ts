// `npm run build` makes a dist/ that runs with plain node: the compiled `concerto serve` starts
// against the run's database server (MONGODB_URI, as in the Docker image), answers /readyz and
// holds a web chat turn (locales, consultation, NLU data and static files found from dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { distBin, ServeProcess } from '../helpers/serve-process.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { directLineHttp } from '../web/directline-http.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every `.ts` file of the shipped folders, relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(root, relative)).isDirectory()) return sources(relative);
    return name.endsWith('.ts') ? [relative] : [];
  });
}

describe('the compiled build (dist/)', () => {
  let database: TestDatabase;
  let serve: ServeProcess;
  let baseUrl: string;

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    database = await useTestDatabase();
    // Plain node on dist/: no tsx loader anywhere (NODE_OPTIONS emptied), as in the image.
    serve = new ServeProcess(
      {
        MONGODB_URI: inject('mongoUri'),
        MONGODB_DB: database.name,
        NODE_OPTIONS: '',
        LOG_LEVEL: 'warn',
      },
      distBin,
    );
    baseUrl = await serve.ready;
  }, 240_000);

  afterAll(async () => {
    await serve?.stop();
    await database?.drop();
  });

  it('finds every file a module reads through new URL(…, import.meta.url)', () => {
    const pattern = /new URL\('([^']+)', import\.meta\.url\)/g;
    const wanted = ['bot', 'dialogs', 'storage'].flatMap(sources).flatMap((file) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(pattern)].map((m) => ({
        file,
        target: path.join('dist', path.dirname(file), m[1] ?? ''),
      })),
    );
    expect(wanted.length).toBeGreaterThan(2);
    const missing = wanted.filter((w) => !existsSync(path.join(root, w.target)));
    expect(missing).toEqual([]);
  });

  it('holds no tsx import: the compiled code runs on node alone', () => {
    const compiled = ['bot', 'dialogs', 'storage', 'bin']
      .flatMap((dir) => sources(dir).map((file) => file.replace(/\.ts$/, '.js')))
      .filter((file) => existsSync(path.join(root, 'dist', file)));
    expect(compiled.length).toBeGreaterThan(100);
    const withTsx = compiled.filter((file) =>
      /from 'tsx|import\('tsx/.test(readFileSync(path.join(root, 'dist', file), 'utf8')),
    );
    expect(withTsx).toEqual([]);
  });

  it('serves: /healthz, /readyz with migrations done, the chat page and a web chat turn', async () => {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: 'up', migrations: 'done' });
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /\/static\/chat\.[0-9a-f]+\.js/.exec(html)?.[0];
    expect(script).toBeDefined();
    expect((await fetch(`${baseUrl}${script}`)).status).toBe(200);
    const dl = directLineHttp(baseUrl);
    const conversation = await dl.open();
    const replies = await dl.say(conversation, { type: 'event', name: 'start', value: '' });
    expect(replies.map((r) => r.text).join('\n')).toMatch(/Concerto|consultation/i);
    expect(serve.output).not.toMatch(/"level":(50|60)/);
  });
});
