import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesisReport } from '../../bot/synthesis/synthesis-report.js';
import { runConcerto } from '../helpers/run-concerto.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  importPlantedCouncils,
  insertConsultation,
  plantedConsultation,
} from './generate-consultation.js';

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await useTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'concerto-synthesis-'));
  await importPlantedCouncils(database.db);
  await insertConsultation(database.db, plantedConsultation());
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

describe('concerto export synthesis', () => {
  it('explains itself with --help', async () => {
    const run = await runConcerto(['export', 'synthesis', '--help'], database.name);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: concerto export synthesis [--format html|json]');
  });

  it('writes the JSON of the councils asked for, in lower case or not', async () => {
    const out = path.join(dir, 'synthesis.json');
    const run = await runConcerto(
      ['export', 'synthesis', '--format', 'json', '--council', 'qn05983m', '--out', out],
      database.name,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`synthesis: 60 participants, 6 themes → ${out}`);
    const report: SynthesisReport = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.format).toBe('concerto-synthesis/1');
    expect(report.councilIds).toEqual(['QN05983M']);
    expect(report.participation.byCouncil.map((c) => c.name)).toEqual(['Phalempins']);
  }, 60_000);

  it('prints the HTML page on standard output, in English if asked', async () => {
    const run = await runConcerto(['export', 'synthesis', '--lang', 'en'], database.name);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(run.stdout).toContain('Participation by citizen council');
  }, 60_000);

  it('refuses an unknown council or option clearly, writing nothing', async () => {
    const out = path.join(dir, 'never.html');
    const unknown = await runConcerto(
      ['export', 'synthesis', '--council', 'QN99999X', '--out', out],
      database.name,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown council "QN99999X"');
    expect(() => readFileSync(out)).toThrow();
    const format = await runConcerto(['export', 'synthesis', '--format', 'pdf'], database.name);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be html or json');
  }, 60_000);
});
