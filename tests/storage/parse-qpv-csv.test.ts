import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQpvCsv } from '../../storage/parse-qpv-csv.js';
import { referenceCouncilsFile } from '../../storage/reference-councils.js';
import { roubaixRow } from '../helpers/qpv-rows.js';

const header = 'code,name,commune,commune_insee,department,department_name';

describe('parseQpvCsv', () => {
  it('reads the whole reference list, accents intact', () => {
    const { rows, errors } = parseQpvCsv(readFileSync(referenceCouncilsFile, 'utf8'));
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1493);
    expect(rows.find((row) => row.code === 'QN05981M')).toEqual(roubaixRow);
    expect(rows.find((row) => row.code === 'QN00103M')?.commune).toBe('Ambérieu-en-Bugey');
    expect(rows.filter((row) => row.department === '93')).toHaveLength(75);
    expect(rows.find((row) => row.code === 'QN00201M')?.commune).toBe('Omissy; Saint-Quentin');
  });

  it('understands quoting, CRLF, a BOM and columns in another order', () => {
    const text = [
      '\uFEFFname,code,commune,commune_insee,department,department_name,extra',
      '"Cité ""Les Rosiers"", bât. A",qn05981m,Roubaix,59512,59,Nord,x',
      '"Sur deux',
      'lignes",QN05983M,Tourcoing,59599,59,Nord,',
      '',
    ].join('\r\n');
    const { rows, errors } = parseQpvCsv(text);
    expect(errors).toEqual([]);
    expect(rows.map((row) => [row.code, row.name])).toEqual([
      ['QN05981M', 'Cité "Les Rosiers", bât. A'],
      ['QN05983M', 'Sur deux\r\nlignes'],
    ]);
  });

  it('reports every bad line with its number and keeps the good rows', () => {
    const text = [
      header,
      'QN00101M,Bon un,Bourg-en-Bresse,01053,01,Ain',
      'QN00102M,"Jamais fermé,Bourg-en-Bresse,01053,01,Ain',
      'QN00103M,Bon deux,Ambérieu-en-Bugey,01004,01,Ain',
      'QN00104M,Trop court,Oyonnax',
      ',Sans code,Oyonnax,01283,01,Ain',
      'QN00101M,Doublon,Bourg-en-Bresse,01053,01,Ain',
      'QN00105M,"Guillemet" en trop,Oyonnax,01283,01,Ain',
      'QN00106M,Bon trois,Oyonnax,01283,01,Ain',
    ].join('\n');
    const { rows, errors } = parseQpvCsv(text);
    expect(rows.map((row) => row.name)).toEqual(['Bon un', 'Bon deux', 'Bon trois']);
    expect(errors.map(String)).toEqual([
      'line 3: a quoted field is never closed (missing ")',
      'line 5: expected 6 fields, found 3',
      'line 6: the code is empty',
      'line 7: the code QN00101M is already on line 2',
      'line 8: unexpected text after a closing quote: " en trop,O"',
    ]);
  });

  it('refuses a file without the expected columns', () => {
    const { rows, errors } = parseQpvCsv('code;name;commune\nQN05981M;Nouveau Roubaix;Roubaix\n');
    expect(rows).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(1);
    expect(errors[0]?.message).toMatch(/missing column\(s\): code, name, commune, commune_insee/);
  });

  it('says so when the file is empty', () => {
    expect(parseQpvCsv('').errors.map(String)).toEqual(['line 1: the file is empty']);
  });
});
