import { describe, expect, it } from 'vitest';
import { answerCells, wideCell } from '../../bot/exports/answer-cells.js';
import { buildCodebook } from '../../bot/exports/codebook.js';
import { formatMinute } from '../../bot/exports/format-minute.js';
import { guardFormula } from '../../bot/exports/guard-formula.js';
import { participantPseudonym } from '../../bot/exports/participant-pseudonym.js';
import { parseExportRequest } from '../../bot/exports/parse-export-request.js';
import { createProgressBar } from '../../bot/exports/progress-bar.js';
import { parseFlags } from '../../bot/admin/parse-flags.js';
import { scopeRequest } from '../../bot/admin-api/scope-request.js';
import { bootstrapAdmin } from '../../storage/credentials.js';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { consultation } from './seeded-exports.js';

const codebook = buildCodebook(consultation, defaultCatalog);

describe('formatMinute', () => {
  it.each([
    ['2017-11-29T17:42:31Z', '2017-11-29T18:42+01:00'],
    ['2017-06-01T07:05:59Z', '2017-06-01T09:05+02:00'],
    // The night summer time ends in Paris: 01:30 UTC is 02:30 (+01:00), 00:30 UTC is 02:30 (+02:00).
    ['2017-10-29T00:30:00Z', '2017-10-29T02:30+02:00'],
    ['2017-10-29T01:30:00Z', '2017-10-29T02:30+01:00'],
    ['2017-12-31T23:59:00Z', '2018-01-01T00:59+01:00'],
  ])('%s is %s in Paris', (utc, paris) => {
    expect(formatMinute(new Date(utc))).toBe(paris);
  });

  it('other zones, negative offsets and half hours', () => {
    expect(formatMinute(new Date('2017-11-29T17:42:00Z'), 'America/Martinique')).toBe(
      '2017-11-29T13:42-04:00',
    );
    expect(formatMinute(new Date('2017-11-29T17:42:00Z'), 'Asia/Kolkata')).toBe(
      '2017-11-29T23:12+05:30',
    );
    expect(formatMinute(new Date('2017-11-29T17:42:00Z'), 'Indian/Reunion')).toBe(
      '2017-11-29T21:42+04:00',
    );
  });
});

describe('guardFormula', () => {
  it.each(['=1+1', '+33 6', '-2', '@SUM(A1)', '\t=1', '\r=1'])('guards %j', (text) => {
    expect(guardFormula(text)).toBe(`'${text}`);
  });
  it.each(['1+1', 'a = b', ' =1', 'Très urgent', ''])('leaves %j', (text) => {
    expect(guardFormula(text)).toBe(text);
  });
});

describe('participantPseudonym', () => {
  it('is stable for a secret, different for another, and refuses an empty secret', () => {
    const a = participantPseudonym('p1', 'secret-1');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(participantPseudonym('p1', 'secret-1')).toBe(a);
    expect(participantPseudonym('p1', 'secret-2')).not.toBe(a);
    expect(participantPseudonym('p2', 'secret-1')).not.toBe(a);
    expect(() => participantPseudonym('p1', '')).toThrow(/empty/);
  });
});

describe('answerCells and wideCell', () => {
  const q = (id: string) => codebook.byId.get(id);
  it('one row per choice, ranks, « Autre » with its text, scale points, yes/no, skips', () => {
    expect(
      answerCells(
        { kind: 'ranking', choiceIds: ['discri', 'other'], other: 'le permis' },
        q('emp_frein'),
        'fr',
      ),
    ).toEqual([
      { code: 'discri', label: expect.any(String), rank: 1 },
      { code: 'other', label: 'Autre', rank: 2, text: 'le permis' },
    ]);
    expect(answerCells({ kind: 'scale', value: 4 }, q('edu_urgence'), 'en')).toEqual([
      { code: '4', label: 'Urgent' },
    ]);
    expect(answerCells({ kind: 'choice', choiceId: 'sans_avis' }, q('edu_urgence'), 'fr')).toEqual([
      { code: 'sans_avis', label: 'Sans avis' },
    ]);
    expect(answerCells({ kind: 'yesno', value: false }, q('atelier'), 'fr')).toEqual([
      { code: 'no', label: 'Non' },
    ]);
    expect(answerCells({ kind: 'skipped' }, q('edu_marche'), 'en')).toEqual([
      { code: 'skipped', label: 'Skipped' },
    ]);
    expect(answerCells({ kind: 'text', text: 'x' }, q('edu_marche'), 'fr')).toEqual([
      { text: 'x' },
    ]);
    expect(
      wideCell([
        { code: 'a', label: 'A', rank: 1 },
        { code: 'other', label: 'Autre', rank: 2, text: 'x' },
      ]),
    ).toBe('1. A | 2. Autre : x');
    expect(wideCell([{ text: 'libre' }])).toBe('libre');
  });

  it('the codebook lists « Sans avis » as sans_avis, « Autre » as other, skips of optional questions', () => {
    const codes = (id: string) => q(id)?.codes.map((c) => c.code);
    expect(codes('edu_idees')).toEqual(expect.arrayContaining(['devoirs', 'other', 'sans_avis']));
    expect(codes('edu_urgence')).toEqual(['1', '2', '3', '4', '5', 'sans_avis']);
    expect(codes('edu_marche')).toEqual(['skipped']);
    expect(codes('role')).toEqual(['tire', 'volontaire', 'acteur']);
    expect(q('par_besoin')?.condition).toEqual({ questionId: 'par_parent', anyOf: ['yes'] });
    expect(codebook.questions.map((x) => x.position)).toEqual(
      codebook.questions.map((_, i) => i + 1),
    );
  });
});

describe('parseExportRequest', () => {
  const parse = (kind: string | undefined, options: Record<string, string[]>) =>
    parseExportRequest(kind, new Map(Object.entries(options)), consultation);

  it('reads every option, with lists and days in Paris time', () => {
    const parsed = parse('answers', {
      format: ['xlsx'],
      wide: [''],
      council: ['qn05981m,QN05983M', 'QN00101M'],
      department: ['2a'],
      theme: ['culture'],
      completed: ['1'],
      since: ['2017-11-29'],
      until: ['2017-12-05'],
      lang: ['en'],
      channel: ['telegram,web'],
      labels: ['en'],
    });
    expect(parsed).toEqual({
      ok: true,
      request: {
        kind: 'answers',
        format: 'xlsx',
        excel: false,
        wide: true,
        raw: false,
        labels: 'en',
        filters: {
          councilIds: ['QN05981M', 'QN05983M', 'QN00101M'],
          departments: ['2A'],
          themes: ['culture'],
          statuses: ['completed'],
          since: new Date('2017-11-28T23:00:00Z'),
          until: new Date('2017-12-05T23:00:00Z'),
          langs: ['en'],
          channels: ['telegram', 'web'],
        },
      },
    });
    // In summer, a Paris day starts at 22:00 UTC.
    expect(parse('answers', { since: ['2017-07-14'] })).toMatchObject({
      request: { filters: { since: new Date('2017-07-13T22:00:00Z') } },
    });
  });

  it('names every problem', () => {
    const parsed = parse('participants', {
      format: ['pdf'],
      wide: [''],
      theme: ['sport'],
      status: ['consent_pending'],
      since: ['2017-02-30'],
      until: ['soon'],
      council: ['QN 05'],
      department: ['600'],
      lang: ['de'],
      colour: ['red'],
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      'unknown option "colour"',
      'format must be csv, ndjson, json, xlsx, not "pdf"',
      'wide is for answers only',
      'theme must be profile, education, emploi, formation, mobilite, parentalite, culture, not "sport"',
      'theme is for answers and the codebook only',
      'status must be not_started, in_progress, completed, not "consent_pending"',
      'since "2017-02-30" is not a date',
      'until must be a date (2017-11-29) or an ISO time (2017-11-29T18:00+01:00), not "soon"',
      'council "QN 05" is not a council code (e.g. QN05981M)',
      'department "600" is not a département code (e.g. 59, 2A, 974)',
      'lang must be fr, en, not "de"',
    ]);
    expect(parse(undefined, {})).toEqual({
      ok: false,
      problems: ['say what to export: answers, participants, transcripts, codebook'],
    });
    expect(parse('answers', { format: ['xlsx'], excel: [''] })).toMatchObject({
      problems: ['excel is a kind of CSV: it does not go with format xlsx'],
    });
    expect(parse('answers', { since: ['2017-12-05'], until: ['2017-12-01'] })).toMatchObject({
      problems: ['since must be before until'],
    });
  });
});

describe('parseFlags', () => {
  const spec = {
    council: { type: 'string', multiple: true },
    wide: { type: 'boolean' },
    out: { type: 'string' },
  } as const;
  it('values, repeats, = forms, positionals and help', () => {
    const parsed = parseFlags(
      ['answers', '--council', 'A', '--council=B', '--wide', '--out=x.csv', '-h'],
      spec,
    );
    expect(parsed).toEqual({
      values: new Map([
        ['council', ['A', 'B']],
        ['wide', ['']],
        ['out', ['x.csv']],
      ]),
      positionals: ['answers'],
      help: true,
      problems: [],
    });
  });
  it('every bad flag, one line each', () => {
    expect(
      parseFlags(['--nope', '-x', '--wide=1', '--out', 'a', '--out', 'b', '--council'], spec)
        .problems,
    ).toEqual([
      'unknown option --nope',
      'unknown option -x',
      '--wide takes no value',
      '--out is given more than once',
      '--council needs a value',
    ]);
  });
});

describe('createProgressBar', () => {
  it('draws the share, the rate and the time left on a terminal, at most ten times a second', () => {
    const written: string[] = [];
    let t = 0;
    const bar = createProgressBar(
      { isTTY: true, columns: 120, write: (s) => written.push(s) },
      'answers',
      1000,
      () => t,
    );
    for (let i = 0; i < 500; i += 1) {
      t += 2;
      bar.tick();
    }
    bar.done();
    expect(written.length).toBeLessThan(15);
    expect(written.at(-2)).toMatch(
      /answers\s+50%\s+\[#{10} {10}\]\s+500\/1,000\s+500\/s\s+ETA 0:01/,
    );
    expect(written.at(-1)).toBe('\r\u001b[K');
  });
  it('says nothing when the output is not a terminal', () => {
    const written: string[] = [];
    const bar = createProgressBar({ isTTY: false, write: (s) => written.push(s) }, 'answers', 10);
    bar.tick();
    bar.done();
    expect(written).toEqual([]);
  });
});

describe('scopeRequest', () => {
  const nadia = {
    credentialId: 'n',
    name: 'Nadia',
    role: 'coordinator' as const,
    councilIds: ['A1', 'A2'],
  };
  const departmentOf = (id: string) => ({ A1: '59', A2: '59' })[id];
  it('a coordinator: their councils, those of them named, 403 for any other', () => {
    expect(scopeRequest(nadia, {}, departmentOf)).toEqual({ kind: 'ok', councilIds: ['A1', 'A2'] });
    expect(scopeRequest(nadia, { councilIds: ['A2'] }, departmentOf)).toEqual({
      kind: 'ok',
      councilIds: ['A2'],
    });
    expect(scopeRequest(nadia, { councilIds: ['A2', 'B1'] }, departmentOf)).toMatchObject({
      kind: 'forbidden',
      reason: expect.stringContaining('B1'),
    });
    expect(scopeRequest(nadia, { departments: ['59'] }, departmentOf)).toEqual({
      kind: 'ok',
      councilIds: ['A1', 'A2'],
    });
    expect(scopeRequest(nadia, { departments: ['93'] }, departmentOf)).toMatchObject({
      kind: 'forbidden',
    });
  });
  it('an admin: what they ask for, everything by default', () => {
    expect(scopeRequest(bootstrapAdmin, {}, departmentOf)).toEqual({ kind: 'ok' });
    expect(scopeRequest(bootstrapAdmin, { councilIds: ['B1'] }, departmentOf)).toEqual({
      kind: 'ok',
      councilIds: ['B1'],
    });
  });
});
