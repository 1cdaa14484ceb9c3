import { answerBatchIds } from '../../storage/export-source.js';
import type { StoredTranscript } from '../../storage/storage.js';
import type { ExportContext } from './export-context.js';
import type { ExportRequest } from './export-request.js';
import type { Cell, ExportTable } from './export-table.js';
import { formatMinute } from './format-minute.js';
import { maskPersonalData } from './mask-personal-data.js';
import { readAhead } from './read-ahead.js';
import { selectParticipants, type ExportParticipant } from './select-participants.js';

export const transcriptsColumns = [
  'participant',
  'council',
  'turn',
  'line',
  'at',
  'channel',
  'direction',
  'text',
  'choices',
] as const;

/**
 * `transcripts`: every message in and out, one row per line, per conversation in order (turn,
 * then line: what the person sent, then the bot's replies). Only what was said after consent is
 * kept at all; turns past the retention period are gone. Text is masked unless raw.
 */
export async function transcriptsExport(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  const { filters, raw, labels: lang } = request;
  const { participants } = await selectParticipants(
    context.source,
    context.consultation.id,
    context.secret,
    filters,
    { dateRange: 'activity' },
  );
  const zone = context.consultation.timeZone;
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    for await (const { participant, turns } of turnsByParticipant(context, participants)) {
      for (const turn of turns) {
        if (filters.since && turn.at < filters.since) continue;
        if (filters.until && turn.at >= filters.until) continue;
        if (filters.channels && !filters.channels.includes(turn.channel)) continue;
        let line = 0;
        for (const entry of turn.lines) {
          line += 1;
          yield [
            participant.pseudonym,
            participant.summary.councilId,
            turn.turn,
            line,
            formatMinute(turn.at, zone),
            turn.channel,
            entry.direction,
            raw ? entry.text : maskPersonalData(entry.text, lang),
            entry.choiceIds?.join(' '),
          ];
        }
      }
    }
  }
  return {
    name: 'transcripts',
    columns: transcriptsColumns,
    rows: rows(),
    // About three lines per turn; a guess for the progress bar only.
    expectedRows: participants.reduce((sum, p) => sum + p.summary.version * 3, 0),
  };
}

/**
 * Each participant's turns in order, looked up by `_id` ("<participantId>:<turn>") in batches,
 * the next batch read while this one is written.
 */
async function* turnsByParticipant(
  context: ExportContext,
  participants: readonly ExportParticipant[],
): AsyncGenerator<{ participant: ExportParticipant; turns: StoredTranscript[] }> {
  interface Batch {
    participants: ExportParticipant[];
    ids: string[];
  }
  const batches: Batch[] = [];
  let batch: Batch = { participants: [], ids: [] };
  for (const participant of participants) {
    const turns = participant.summary.version;
    if (batch.ids.length > 0 && batch.ids.length + turns > answerBatchIds) {
      batches.push(batch);
      batch = { participants: [], ids: [] };
    }
    batch.participants.push(participant);
    for (let turn = 1; turn <= turns; turn += 1)
      batch.ids.push(`${participant.participantId}:${turn}`);
  }
  if (batch.participants.length > 0) batches.push(batch);
  const lookUp = async ({ ids }: Batch) => {
    const found = new Map<string, StoredTranscript[]>();
    for await (const turn of context.source.transcripts(ids)) {
      const list = found.get(turn.participantId) ?? [];
      list.push(turn);
      found.set(turn.participantId, list);
    }
    return found;
  };
  for await (const [{ participants: inBatch }, found] of readAhead(batches, lookUp))
    for (const participant of inBatch) {
      const turns = (found.get(participant.participantId) ?? []).sort((a, b) => a.turn - b.turn);
      yield { participant, turns };
    }
}
