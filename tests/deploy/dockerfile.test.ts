// The Dockerfile, checked as far as this machine allows (no container runtime, no image can be
// fetched): hadolint's rules, then what the image promises, read from the parsed instructions
// (dockerfile-ast): multi-stage, production dependencies only, compiled code run by node as a
// non-root user, exec-form ENTRYPOINT, a HEALTHCHECK, and every file it copies in the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** The instructions of each stage, in order (FROM starts a stage). */
function stages(): Stage[] {
  const found: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const from = dockerfile
      .getFROMs()
      .find((f) => f.getRange().start.line === instruction.getRange().start.line);
    if (from)
      found.push({
        name: from.getBuildStage() ?? '',
        image: from.getImage() ?? '',
        instructions: [],
      });
    else found.at(-1)?.instructions.push(instruction);
  }
  return found;
}

const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.getKeyword() === keyword);
/** The COPY instructions of a stage, with their flags. */
const copiesOf = (stage: Stage): Copy[] => {
  const lines = new Set(of(stage, 'COPY').map((i) => i.getRange().start.line));
  return dockerfile.getCOPYs().filter((c) => lines.has(c.getRange().start.line));
};
const fromStage = (copy: Copy) => copy.getFromFlag()?.getValue() ?? null;
const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());

describe('Dockerfile', () => {
  it('passes hadolint', () => {
    const hadolint = path.join(root, '.cache', 'hadolint', 'bin', 'hadolint');
    expect(existsSync(hadolint), 'scripts/setup.sh installs hadolint').toBe(true);
    const run = spawnSync(hadolint, ['--no-color', 'Dockerfile'], { cwd: root, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('builds in named stages and ships only dist/, production node_modules and package.json', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.every((s) => s.name !== '')).toBe(true);
    const runtime = all.at(-1)!;
    const copies = copiesOf(runtime).map((c) => ({
      from: fromStage(c),
      args: args(c).filter((a) => !a.startsWith('--')),
    }));
    expect(copies).toEqual([
      { from: 'dependencies', args: ['/app/node_modules', './node_modules'] },
      { from: 'build', args: ['/app/dist', './dist'] },
      { from: null, args: ['package.json', './'] },
    ]);
    // Nothing is installed or built in the image that runs.
    expect(of(runtime, 'RUN')).toEqual([]);
    const dependencies = all.find((s) => s.name === 'dependencies')!;
    const installs = of(dependencies, 'RUN').map((r) => r.getArgumentsContent() ?? '');
    expect(installs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    const build = all.find((s) => s.name === 'build')!;
    expect(of(build, 'RUN').map((r) => r.getArgumentsContent())).toContain('npm run build');
  });

  it('runs as a non-root user, node on the compiled entry point in exec form, with a HEALTHCHECK', () => {
    const runtime = stages().at(-1)!;
    const users = of(runtime, 'USER').map((u) => args(u).join(' '));
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const [entrypoint, ...more] = dockerfile.getENTRYPOINTs();
    expect(more).toEqual([]);
    expect(entrypoint!.getJSONStrings().map((s) => s.getJSONValue())).toEqual([
      'node',
      'dist/bin/concerto.js',
    ]);
    expect(
      dockerfile
        .getCMDs()
        .at(-1)!
        .getJSONStrings()
        .map((s) => s.getJSONValue()),
    ).toEqual(['serve']);
    const [healthcheck] = dockerfile.getHEALTHCHECKs();
    expect(healthcheck!.getSubcommand()?.getValue()).toBe('CMD');
    expect(healthcheck!.getArgumentsContent()).toMatch(/\/healthz/);
    // No tsx, no Go, no embedded FerretDB: production sets MONGODB_URI.
    expect(text).not.toMatch(/\btsx\b|ferretdb|golang/i);
  });

  it('copies only files that exist, and the build context leaves secrets and caches out', () => {
    const sources = stages()
      .flatMap(copiesOf)
      .filter((c) => fromStage(c) === null)
      .flatMap((c) =>
        args(c)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => !existsSync(path.join(root, s)))).toEqual([]);
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.cache', 'data', '.env', '*.env', '.git'])
      expect(ignored).toContain(entry);
  });
});
