import { randomBytes } from 'node:crypto';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import type {
  DeliveryDoc,
  TargetStatus,
  WaveDoc,
  WaveOrigin,
} from '../../storage/reminder-documents.js';
import { deliveryId, type ReminderRepository } from '../../storage/reminder-repository.js';
import type { ParticipantRepository } from '../../storage/storage.js';
import { firstSendableAt, reminderVerdict, type SkipReason } from './reminder-policy.js';
import { reminderMessage } from './reminder-text.js';
import type { ReminderMessage } from './reminder-transport.js';
import { plannedChannel } from './route-of.js';

/** What a wave is asked for: by whom, which councils (all when absent), which statuses. */
export interface WaveRequest {
  origin: WaveOrigin;
  councilIds?: readonly string[] | undefined;
  statuses: readonly TargetStatus[];
}

export const allTargetStatuses: readonly TargetStatus[] = ['not_started', 'in_progress'];

/** Deliveries per block a process claims; a kill leaves at most one block to take over. */
export const defaultBlockSize = 25;

/** A new wave, to be planned; it goes now, or when the quiet hours end. */
export function newWave(
  request: WaveRequest,
  consultation: Consultation,
  now: Date,
  id = `${request.origin.kind}:${now.toISOString().slice(0, 16)}:${randomBytes(3).toString('hex')}`,
): WaveDoc {
  return {
    _id: id,
    consultationId: consultation.id,
    origin: request.origin,
    ...(request.councilIds ? { councilIds: [...new Set(request.councilIds)] } : {}),
    statuses: [...request.statuses],
    createdAt: now,
    notBefore: firstSendableAt(now, consultation),
    state: 'planning',
    planned: 0,
    blockSize: defaultBlockSize,
    nextSeq: 0,
    leases: {},
    blocksDone: 0,
    counts: {},
  };
}

export interface PlanDeps {
  repository: ReminderRepository;
  participants: ParticipantRepository;
  consultation: Consultation;
  now: () => Date;
  owner: string;
  leaseMs: number;
}

const batchSize = 500;

/**
 * Writes a wave's deliveries, numbered `<waveId>:0…n-1`: one per targeted participant, queued,
 * or skipped with the reason (opted out, unreachable, caps…). Claimed like everything else;
 * a planner killed half-way is resumed by the next one from the last batch it recorded.
 * Returns false when another process holds the planning.
 */
export async function planWave(wave: WaveDoc, deps: PlanDeps): Promise<boolean> {
  const { repository, owner, leaseMs } = deps;
  if (!(await repository.claimPlanner(wave, owner, new Date(), leaseMs))) return false;
  let planned = wave.planned;
  const known = new Set<string>();
  for (let from = 0; from < planned; from += 1000)
    for (const d of await repository.deliveriesOf(wave._id, from, Math.min(planned, from + 1000)))
      known.add(d.participantId);
  // A batch written but not counted before a crash: written again below.
  await repository.removeDeliveries(wave._id, planned, planned + batchSize);
  const now = deps.now();
  const at = new Date(Math.max(now.getTime(), wave.notBefore.getTime()));
  let batch: DeliveryDoc[] = [];
  const flush = async () => {
    const until = new Date(Date.now() + leaseMs);
    const kept = await repository.addDeliveries(wave._id, owner, batch, planned, until);
    batch = [];
    return kept;
  };
  for await (const p of deps.participants.list(filterOf(wave))) {
    if (known.has(p.participantId)) continue;
    const verdict = reminderVerdict(p, wave, deps.consultation, at);
    const channel = plannedChannel(p);
    batch.push({
      _id: deliveryId(wave._id, planned),
      waveId: wave._id,
      seq: planned,
      participantId: p.participantId,
      ...(p.councilId === undefined ? {} : { councilId: p.councilId }),
      status: p.status,
      ...(channel === undefined ? {} : { channel }),
      state: verdict.ok ? 'queued' : 'skipped',
      ...(verdict.ok ? {} : { reason: verdict.reason }),
      attempts: 0,
      plannedAt: now,
      updatedAt: now,
    });
    planned += 1;
    if (batch.length >= batchSize && !(await flush())) return false;
  }
  if (!(await flush())) return false;
  return repository.finishPlanning(wave._id, owner, planned);
}

/** Who a wave would reach, and why the others would not: the figures of a preview. */
export interface WavePreview {
  /** When it would go (now, or the end of the quiet hours). */
  at: Date;
  /** It would wait for the end of the quiet hours. */
  later: boolean;
  queued: number;
  skipped: number;
  /** Council (`''` without one) → counts by status (`not_started`, `in_progress`) and skip reason. */
  byCouncil: Map<string, Map<TargetStatus | SkipReason, number>>;
  /** One message per status and language found, as it would be sent. */
  samples: ReminderMessage[];
}

/** What a wave asked now would do, written nowhere. */
export async function previewWave(
  request: Pick<WaveRequest, 'councilIds' | 'statuses'>,
  deps: {
    participants: ParticipantRepository;
    consultation: Consultation;
    catalog: Catalog;
    now: Date;
  },
): Promise<WavePreview> {
  const { consultation, catalog } = deps;
  const at = firstSendableAt(deps.now, consultation);
  const target = { consultationId: consultation.id, councilIds: request.councilIds };
  const preview: WavePreview = {
    at,
    later: at.getTime() > deps.now.getTime(),
    queued: 0,
    skipped: 0,
    byCouncil: new Map(),
    samples: [],
  };
  const seen = new Set<string>();
  const filter = filterOf({ ...target, statuses: [...request.statuses] });
  for await (const p of deps.participants.list(filter)) {
    const verdict = reminderVerdict(p, target, consultation, at);
    const key = verdict.ok
      ? p.status === 'not_started'
        ? 'not_started'
        : 'in_progress'
      : verdict.reason;
    const council = preview.byCouncil.get(p.councilId ?? '') ?? new Map();
    council.set(key, (council.get(key) ?? 0) + 1);
    preview.byCouncil.set(p.councilId ?? '', council);
    if (!verdict.ok) {
      preview.skipped += 1;
      continue;
    }
    preview.queued += 1;
    const sample = `${p.status}:${p.lang}`;
    if (seen.has(sample)) continue;
    seen.add(sample);
    preview.samples.push(reminderMessage(p, 'preview', consultation, catalog));
  }
  return preview;
}

function filterOf(wave: {
  consultationId: string;
  councilIds?: readonly string[] | undefined;
  statuses: readonly TargetStatus[];
}) {
  return {
    consultationId: wave.consultationId,
    ...(wave.councilIds ? { councilIds: wave.councilIds } : {}),
    statuses: wave.statuses,
  };
}
