import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { ChatProcess } from './chat-process.js';

const bin = fileURLToPath(new URL('../../bin/concerto.mjs', import.meta.url));
let database: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  database = await useTestDatabase();
  env = { MONGODB_URI: process.env['MONGODB_URI'] ?? '', MONGODB_DB: database.name };
  await importCouncils(database.db, [roubaixRow]);
  const added = await addInvitationCode(database.db, 'QN05981M', 'RBX7KQ');
  expect(added.ok).toBe(true);
});

afterAll(async () => {
  await database.drop();
});

describe('concerto chat --json', () => {
  it('follows the line protocol, resumes after quitting, and its answers reach the export', async () => {
    const first = new ChatProcess(['--user', 'alice', '--invite', 'RBX7KQ'], env);
    const consent = await first.expectMessage(/Avant de commencer/);
    expect(consent.choices?.map((c) => c.id)).toEqual(['yes', 'no', 'more']);
    await first.expectEvent('session_started');
    first.send("J'accepte");
    await first.expectMessage(/Nouveau Roubaix/);
    const role = await first.expectMessage(/votre place dans le conseil/);
    first.send(role.choices?.[1]?.label ?? '');
    const question = await first.expectMessage(/qu'est-ce qui aide déjà/);
    await first.expectEvent('answer_recorded');
    expect(question.progress).toEqual({ theme: 1, themes: 6, question: 1, questions: 4 });
    first.send('Le soutien scolaire du samedi');
    await first.expectMessage(/priorité pour la réussite des élèves/);
    expect(await first.close()).toBe(0);

    const again = new ChatProcess(['--user', 'alice'], env);
    await again.expectMessage(/Bon retour/);
    const resumed = await again.expectMessage(/priorité pour la réussite des élèves/);
    expect(resumed.progress?.question).toBe(2);
    again.send('1, 3');
    await again.expectEvent('answer_recorded');
    await again.close();

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'export', 'answers', '--format', 'ndjson'],
      {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      },
    );
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The long export: one row per answer, one per choice picked.
    const codesOf = (question: string) =>
      rows.filter((row) => row.question === question).map((row) => row.code);
    expect(codesOf('role')).toEqual(['volontaire']);
    expect(rows.find((row) => row.question === 'edu_marche')?.text).toBe(
      'Le soutien scolaire du samedi',
    );
    expect(codesOf('edu_idees')).toEqual(['devoirs', 'parents']);
    expect(JSON.stringify(rows)).not.toContain('alice');
  }, 90_000);

  it('keeps every answer that got a reply when the process is killed with SIGKILL mid-stream', async () => {
    const chat = new ChatProcess(['--user', 'bob', '--invite', 'RBX7KQ'], env);
    await chat.expectMessage(/Avant de commencer/);
    chat.send('oui');
    await chat.expectMessage(/votre place dans le conseil/);
    const answers = ['1', 'Les jardins partagés', '2, 5', '1, 2', '4', '1', '2', '3'];
    const confirmed: number[] = [];
    for (const [index, answer] of answers.entries()) {
      chat.send(answer);
      if (index === 5) break;
      await chat.expectEvent('answer_recorded');
      confirmed.push(index);
    }
    // Two more answers are in flight when the process dies.
    chat.send(answers[6] ?? '');
    chat.child.kill('SIGKILL');
    await chat.exited;
    // Every answer that got its reply (its answer_recorded line) is in the database.
    const link = await database.db
      .collection<{ _id: string; participantId: string }>('identities')
      .findOne({ _id: 'console:bob' });
    const stored = await database.db
      .collection('answers')
      .find({ participantId: link?.participantId })
      .toArray();
    // The role and the answers confirmed after it, the garden among them.
    expect(stored.length).toBeGreaterThanOrEqual(confirmed.length);
    expect(JSON.stringify(stored)).toContain('Les jardins partagés');
    const restarted = new ChatProcess(['--user', 'bob'], env);
    await restarted.expectMessage(/Bon retour/);
    const current = await restarted.expectMessage(/./);
    expect(current.progress).toBeDefined();
    await restarted.close();
  }, 90_000);
});
