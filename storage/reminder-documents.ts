// The reminder collections' documents. A wave is one reminder sent to a set of participants;
// each participant of it has one delivery `<waveId>:<seq>`, numbered when the wave is planned,
// so every hot-path read and write is addressed by `_id` (the only filter FerretDB v1 serves
// from an index).
import { z } from 'zod';
import { channelSchema } from './documents.js';

/** Who asked for a wave. */
export const waveOriginSchema = z.discriminatedUnion('kind', [
  /** The consultation's `reminders.schedule`: `slot` is its index there. */
  z.object({ kind: z.literal('schedule'), slot: z.int().min(0), daysBefore: z.int().min(0) }),
  /** `/remind` in Telegram: told the outcome in `telegramUserId`'s chat when it is done. */
  z.object({
    kind: z.literal('coordinator'),
    coordinatorId: z.string(),
    telegramUserId: z.number().int().optional(),
    lang: z.enum(['fr', 'en']).optional(),
  }),
  /** `concerto remind send`. */
  z.object({ kind: z.literal('admin'), by: z.string().optional() }),
]);

export const targetStatusSchema = z.enum(['not_started', 'in_progress']);

/** Work claimed by one process until `until`; anyone may take it over once that has passed. */
export const leaseSchema = z.object({ owner: z.string(), until: z.date() });

/** A block of deliveries `[start, end)` being sent by `owner`. */
export const blockLeaseSchema = leaseSchema.extend({ start: z.int().min(0), end: z.int().min(0) });

/** What became of deliveries, as counted in a wave's figures. */
export const outcomeSchema = z.enum(['sent', 'held', 'skipped', 'failed', 'uncertain']);

/** Field names of `counts` and `leases`: council ids and `b<start>`, never dots or `$`. */
const fieldKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const waveDocSchema = z.object({
  _id: z.string(),
  consultationId: z.string(),
  origin: waveOriginSchema,
  /** Absent: every council (the schedule, an admin). A coordinator's wave: theirs only. */
  councilIds: z.array(z.string()).optional(),
  statuses: z.array(targetStatusSchema).min(1),
  createdAt: z.date(),
  /** Nothing goes before this (a wave asked for in the quiet hours waits for the morning). */
  notBefore: z.date(),
  /** `planning` (deliveries being written), `sending`, `done`, `cancelled`. */
  state: z.enum(['planning', 'sending', 'done', 'cancelled']),
  planner: leaseSchema.optional(),
  /** Deliveries written so far; all of them once `sending`. */
  planned: z.int().min(0),
  /** Deliveries per block: the unit of work a process claims. */
  blockSize: z.int().min(1),
  /** The first delivery no block has claimed yet. */
  nextSeq: z.int().min(0),
  /** Blocks being sent, by `b<start>`; a finished block's entry is removed. */
  leases: z.record(fieldKeySchema, blockLeaseSchema),
  blocksDone: z.int().min(0),
  /** Finished blocks' deliveries: council (`_none` without one) → outcome → count. */
  counts: z.record(fieldKeySchema, z.record(z.string(), z.int().min(0))),
  finishedAt: z.date().optional(),
});

export const deliveryStateSchema = z.enum([
  /** Planned, not tried yet. */
  'queued',
  /** Refused for now (Telegram 429, a 5xx): tried again; the participant is already counted. */
  'retry',
  /** A retry under way (a first try is marked on the participant instead, see the sender). */
  'sending',
  'sent',
  /** No way to notify them now (the web without push): shown at their next visit. */
  'held',
  /** Held, then shown at their next turn. */
  'shown',
  'skipped',
  'failed',
  /** Interrupted between claiming and recording (a kill): maybe sent, never sent again. */
  'uncertain',
]);

export const deliveryDocSchema = z.object({
  _id: z.string(),
  waveId: z.string(),
  seq: z.int().min(0),
  participantId: z.string(),
  councilId: z.string().optional(),
  /** The participant's status when the wave was planned. */
  status: z.string(),
  state: deliveryStateSchema,
  /** Why skipped, failed or uncertain (a skip reason, the channel's answer). */
  reason: z.string().optional(),
  channel: channelSchema.optional(),
  attempts: z.int().min(0),
  plannedAt: z.date(),
  updatedAt: z.date(),
  /** When the channel accepted it. */
  sentAt: z.date().optional(),
  /** The process (host:pid:…) that recorded the outcome: for the audit and the tests. */
  by: z.string().optional(),
});

/**
 * The shared send budget of a channel (`_id`: `telegram`): `tat`, the time (ms since the epoch)
 * from which the next message may go, moved on by every send of every process (GCRA).
 */
export const sendBudgetDocSchema = z.object({ _id: z.string(), tat: z.number() });

export type WaveOrigin = z.infer<typeof waveOriginSchema>;
export type TargetStatus = z.infer<typeof targetStatusSchema>;
export type BlockLease = z.infer<typeof blockLeaseSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type WaveDoc = z.infer<typeof waveDocSchema>;
export type DeliveryState = z.infer<typeof deliveryStateSchema>;
export type DeliveryDoc = z.infer<typeof deliveryDocSchema>;
export type SendBudgetDoc = z.infer<typeof sendBudgetDocSchema>;

/** The outcome a delivery's state counts as, once it is final (undefined while in progress). */
export function outcomeOf(state: DeliveryState): Outcome | undefined {
  switch (state) {
    case 'sent':
      return 'sent';
    case 'held':
    case 'shown':
      return 'held';
    case 'skipped':
      return 'skipped';
    case 'failed':
      return 'failed';
    case 'uncertain':
      return 'uncertain';
    default:
      return undefined;
  }
}

/** The `counts` key of a council (a participant may have none). */
export function councilKey(councilId: string | undefined): string {
  return councilId ?? '_none';
}
