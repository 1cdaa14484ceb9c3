import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { ParticipantSummary } from '../../storage/storage.js';

/** One council's line of the overview. */
export interface CouncilLine {
  /** Consented: they joined the consultation. */
  joined: number;
  /** Answered at least one question. */
  started: number;
  finished: number;
  unreachable: number;
}

export interface ParticipationOverview {
  totals: CouncilLine;
  /** Days (Paris) from the first consent to the last event, with cumulative counts. */
  days: { day: string; joined: number; finished: number }[];
  councils: Map<string, CouncilLine>;
  /** Per theme, in the questionnaire's order: how many completed it. */
  themes: { themeId: string; completed: number }[];
  /**
   * Where the unfinished stand: `not_started` (no answer yet), else the first theme (in the
   * questionnaire's order) they have not completed.
   */
  stops: { at: string; count: number }[];
  channels: Map<string, CouncilLine>;
  langs: Map<string, CouncilLine>;
}

/**
 * The overview's figures in one pass over the participants in scope (a stream: tens of
 * thousands of small summaries, no engine state). Only people who consented count.
 *
 * @example const overview = await overviewOf(storage.participants.list({ consultationId, councilIds }), consultation)
 */
export async function overviewOf(
  participants: AsyncIterable<ParticipantSummary>,
  consultation: Consultation,
): Promise<ParticipationOverview> {
  const totals = emptyLine();
  const councils = new Map<string, CouncilLine>();
  const channels = new Map<string, CouncilLine>();
  const langs = new Map<string, CouncilLine>();
  const themeIds = consultation.themes.map((t) => t.id);
  const completedByTheme = new Map(themeIds.map((id) => [id, 0]));
  const stops = new Map<string, number>([
    ['not_started', 0],
    ...themeIds.map((id): [string, number] => [id, 0]),
  ]);
  const joinedOn = new Map<string, number>();
  const finishedOn = new Map<string, number>();
  for await (const p of participants) {
    if (p.status === 'consent_pending') continue;
    const lines = [
      totals,
      lineOf(councils, p.councilId ?? '—'),
      lineOf(channels, p.identities[0]?.channel ?? '—'),
      lineOf(langs, p.lang),
    ];
    for (const line of lines) {
      line.joined += 1;
      if (p.status !== 'not_started') line.started += 1;
      if (p.status === 'completed') line.finished += 1;
      if (p.unreachable) line.unreachable += 1;
    }
    const joinedAt = p.consent?.at ?? p.createdAt;
    add(joinedOn, parisDay(joinedAt));
    if (p.status === 'completed') add(finishedOn, parisDay(p.completedAt ?? p.updatedAt));
    for (const id of p.progress.themesCompleted)
      if (completedByTheme.has(id)) add(completedByTheme, id);
    if (p.status !== 'completed') {
      const at =
        p.status === 'not_started'
          ? 'not_started'
          : (themeIds.find((id) => !p.progress.themesCompleted.includes(id)) ?? 'not_started');
      add(stops, at);
    }
  }
  return {
    totals,
    days: cumulativeDays(joinedOn, finishedOn),
    councils,
    themes: themeIds.map((themeId) => ({ themeId, completed: completedByTheme.get(themeId) ?? 0 })),
    stops: [...stops].map(([at, count]) => ({ at, count })),
    channels,
    langs,
  };
}

/** 2017-11-23 for an instant, as the day is in Paris. */
export function parisDay(at: Date): string {
  return dayFormat.format(at);
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Every day from the first to the last one seen (at most a year and a half of them). */
function cumulativeDays(
  joinedOn: ReadonlyMap<string, number>,
  finishedOn: ReadonlyMap<string, number>,
): ParticipationOverview['days'] {
  const seen = [...joinedOn.keys(), ...finishedOn.keys()].sort();
  const first = seen[0];
  const last = seen.at(-1);
  if (first === undefined || last === undefined) return [];
  const days: ParticipationOverview['days'] = [];
  let joined = 0;
  let finished = 0;
  const day = new Date(`${first}T12:00:00Z`);
  for (let i = 0; i < 550; i += 1) {
    const key = day.toISOString().slice(0, 10);
    joined += joinedOn.get(key) ?? 0;
    finished += finishedOn.get(key) ?? 0;
    days.push({ day: key, joined, finished });
    if (key >= last) break;
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

function emptyLine(): CouncilLine {
  return { joined: 0, started: 0, finished: 0, unreachable: 0 };
}

function lineOf(map: Map<string, CouncilLine>, key: string): CouncilLine {
  const line = map.get(key) ?? emptyLine();
  map.set(key, line);
  return line;
}

function add(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
