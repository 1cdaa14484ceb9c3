import { describe, expect, it } from 'vitest';
import { overviewOf, parisDay } from '../../bot/admin-page/participation-overview.js';
import { barChart, lineChart } from '../../bot/admin-page/svg-charts.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import { consultation } from '../exports/seeded-exports.js';

const [first, second] = consultation.themes.map((t) => t.id);

function person(
  fields: Partial<ParticipantSummary> & Pick<ParticipantSummary, 'status'>,
): ParticipantSummary {
  const at = new Date('2017-11-23T10:00:00Z');
  return {
    participantId: `p${Math.random()}`,
    version: 1,
    identities: [{ channel: 'telegram', externalId: '1' }],
    consultationId: consultation.id,
    councilId: 'QN05981M',
    lang: 'fr',
    consent: { at, textVersion: '1' },
    progress: { answered: 0, themesCompleted: [], themesLeft: 6 },
    remindersOff: false,
    unreachable: false,
    reminders: { received: 0 },
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    ...fields,
  };
}

async function* stream(list: ParticipantSummary[]) {
  yield* list;
}

describe('the overview figures', () => {
  it('count joined, started, finished, themes, where people stop, channels and languages', async () => {
    const overview = await overviewOf(
      stream([
        person({ status: 'consent_pending', consent: undefined }),
        person({ status: 'not_started' }),
        person({
          status: 'in_progress',
          identities: [{ channel: 'web', externalId: 'w' }],
          lang: 'en',
          unreachable: true,
          progress: { answered: 8, themesCompleted: [first ?? ''], themesLeft: 5 },
        }),
        person({
          status: 'completed',
          councilId: 'QN05983M',
          consent: { at: new Date('2017-11-24T23:30:00Z'), textVersion: '1' },
          completedAt: new Date('2017-11-26T08:00:00Z'),
          progress: {
            answered: 40,
            themesCompleted: consultation.themes.map((t) => t.id),
            themesLeft: 0,
          },
        }),
      ]),
      consultation,
    );
    expect(overview.totals).toEqual({ joined: 3, started: 2, finished: 1, unreachable: 1 });
    expect(overview.councils.get('QN05981M')).toEqual({
      joined: 2,
      started: 1,
      finished: 0,
      unreachable: 1,
    });
    expect(overview.themes.slice(0, 2)).toEqual([
      { themeId: first, completed: 2 },
      { themeId: second, completed: 1 },
    ]);
    expect(overview.stops.filter((s) => s.count > 0)).toEqual([
      { at: 'not_started', count: 1 },
      { at: second, count: 1 },
    ]);
    expect(overview.channels.get('web')?.joined).toBe(1);
    expect(overview.langs.get('fr')?.joined).toBe(2);
    // 23:30 UTC on the 24th is the 25th in Paris; every day between is there, cumulative.
    expect(overview.days).toEqual([
      { day: '2017-11-23', joined: 2, finished: 0 },
      { day: '2017-11-24', joined: 2, finished: 0 },
      { day: '2017-11-25', joined: 3, finished: 0 },
      { day: '2017-11-26', joined: 3, finished: 1 },
    ]);
    expect(parisDay(new Date('2017-11-24T23:30:00Z'))).toBe('2017-11-25');
  });

  it('give nothing for nobody', async () => {
    const overview = await overviewOf(stream([]), consultation);
    expect(overview.days).toEqual([]);
    expect(overview.totals.joined).toBe(0);
  });
});

describe('the charts', () => {
  it('hide the drawing from screen readers and give its numbers as a table', () => {
    const line = lineChart(
      { caption: 'Par jour', lang: 'fr', xLabel: 'Jour', summary: 'Au 24 : 1 234' },
      ['23/11', '24/11'],
      [{ label: 'Commencé', values: [3, 1234] }],
    );
    expect(line).toContain(
      '<svg viewBox="0 0 640 240" width="640" height="240" aria-hidden="true"',
    );
    expect(line).toContain('<th scope="row">24/11</th><td class="num">1\u202f234</td>');
    const bars = barChart(
      { caption: 'Thèmes', lang: 'en', labelHeader: 'Thème', valueHeader: 'N', percentHeader: '%' },
      [{ label: 'Mobilité <b>', value: 1, of: 3 }],
    );
    expect(bars).toContain(
      '<th scope="row">Mobilité &lt;b&gt;</th><td class="num">1</td><td class="num">33.3%</td>',
    );
    expect(bars).toMatch(/<rect width="66\.7" height="14" fill="#1f4e8c"\/>|width="66.7"/);
  });
});
