import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import type { Channel, ChannelIdentity } from '../../storage/identity.js';
import type { ReminderTransport } from './reminder-transport.js';
import {
  councilKey,
  outcomeOf,
  type DeliveryDoc,
  type Outcome,
  type WaveDoc,
} from '../../storage/reminder-documents.js';
import type {
  ClaimedBlock,
  DeliveryPatch,
  ReminderRepository,
} from '../../storage/reminder-repository.js';
import type { ParticipantRepository, ParticipantSummary } from '../../storage/storage.js';
import type { TurnHandler } from '../handle-turn.js';
import type { Logger } from '../logger.js';
import { ClaimLead } from './claim-lead.js';
import { openVerdict, quietUntil, reminderVerdict } from './reminder-policy.js';
import { routeOf, type ReminderRoute } from './route-of.js';
import { reminderMessage } from './reminder-text.js';
import type { DeliveryResult } from './reminder-transport.js';
import type { SlotDispenser } from './slot-dispenser.js';

export interface SenderDeps {
  repository: ReminderRepository;
  participants: ParticipantRepository;
  /** Marks someone unreachable (Telegram 403) through a turn, as a reply's 403 does. */
  handleTurn: TurnHandler;
  consultation: Consultation;
  catalog: Catalog;
  transports: readonly ReminderTransport[];
  /** The shared pace of a channel (Telegram's); a channel without one is not paced. */
  pacing: Partial<Record<Channel, SlotDispenser>>;
  log: Logger;
  /** The clock of every policy decision (quiet hours, deadline, spacing): injected in tests. */
  now: () => Date;
  /** This process, as leases name it. */
  owner: string;
  /** How long a claimed block stays this process's without being renewed. */
  leaseMs: number;
  /** Tries of one delivery refused for now (429, 5xx) before it is recorded as failed. */
  maxAttempts: number;
  /** Told each outcome this process recorded (`/metrics`: reminders sent and failed). */
  onRecorded?: (state: DeliveryDoc['state'], patch: DeliveryPatch) => void;
}

export type BlockResult =
  | { kind: 'finished'; wave: WaveDoc }
  /** Given back unfinished (stopping, quiet hours): anyone may take it again. */
  | { kind: 'released' }
  /** Another process took it over (this one stalled past its lease). */
  | { kind: 'lost' };

type DeliverOutcome = { kind: 'done' } | { kind: 'quiet'; until: Date } | { kind: 'stopped' };

/** Claims of one participant lost to a concurrent claim before the delivery gives up. */
const maxClaimTries = 5;

/**
 * Sends the deliveries of a claimed block, one at a time, each exactly once:
 *
 * 1. book a slot of the channel's shared budget;
 * 2. shortly before the slot (`ClaimLead`), claim: count the reminder on the participant with a
 *    compare-and-set that also checks they are still remindable (`claimParticipant`); only one
 *    claim of a delivery can win; a refused claim gives its slot back and records why;
 * 3. send at the slot, then record the outcome on the delivery.
 *
 * A process killed between 2 and 3 leaves a delivery `queued` whose id the participant has
 * claimed: whoever takes the block over records it `uncertain` and does not send it again.
 * That window is the claim's lead (20–100 ms), one Bot API call and one write.
 */
export class ReminderSender {
  private readonly lead = new ClaimLead();

  constructor(private readonly deps: SenderDeps) {}

  async runBlock(wave: WaveDoc, block: ClaimedBlock, stopping: () => boolean) {
    const { repository, owner, leaseMs } = this.deps;
    let lost = false;
    const renew = setInterval(() => {
      void repository
        .renewBlock(block, owner, new Date(Date.now() + leaseMs))
        .then((kept) => {
          if (!kept) lost = true;
        })
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error }, 'reminders: lease not renewed'),
        );
    }, leaseMs / 3);
    renew.unref();
    try {
      return await this.sendBlock(wave, block, () => lost, stopping);
    } finally {
      clearInterval(renew);
    }
  }

  private async sendBlock(
    wave: WaveDoc,
    block: ClaimedBlock,
    lost: () => boolean,
    stopping: () => boolean,
  ): Promise<BlockResult> {
    const { repository, owner } = this.deps;
    const deliveries = await repository.deliveriesOf(wave._id, block.start, block.end);
    for (const delivery of deliveries) {
      if (lost()) return { kind: 'lost' };
      if (outcomeOf(delivery.state) !== undefined) continue;
      const outcome: DeliverOutcome = stopping()
        ? { kind: 'stopped' }
        : await this.deliver(wave, delivery, () => lost() || stopping());
      if (outcome.kind === 'done') continue;
      if (lost()) return { kind: 'lost' };
      await repository.releaseBlock(
        block,
        owner,
        outcome.kind === 'quiet' ? outcome.until : undefined,
      );
      return { kind: 'released' };
    }
    const final = await repository.deliveriesOf(wave._id, block.start, block.end);
    const counts = new Map<string, Map<Outcome, number>>();
    for (const d of final) {
      const outcome = outcomeOf(d.state);
      if (outcome === undefined) {
        // Not expected (every delivery above ended one way or another): leave it to a retry.
        await repository.releaseBlock(block, owner);
        return { kind: 'released' };
      }
      const council = counts.get(councilKey(d.councilId)) ?? new Map<Outcome, number>();
      council.set(outcome, (council.get(outcome) ?? 0) + 1);
      counts.set(councilKey(d.councilId), council);
    }
    const after = await repository.finishBlock(block, owner, counts, this.deps.now());
    return after ? { kind: 'finished', wave: after } : { kind: 'lost' };
  }

  /**
   * One delivery to its end (sent, held, skipped, failed, uncertain), or back for later. The
   * hot path is one write before the send (the claim, which also reads the participant) and
   * one after: the participant is read separately only when the claim is refused (to record
   * why) and for a retry.
   */
  private async deliver(
    wave: WaveDoc,
    queued: DeliveryDoc,
    interrupted: () => boolean,
  ): Promise<DeliverOutcome> {
    const { consultation } = this.deps;
    let delivery = queued;
    for (let tries = 1; ; tries += 1) {
      if (delivery.state === 'sending') {
        // A retry interrupted before its outcome was recorded: maybe sent, so not again.
        await this.record(delivery, 'uncertain', { reason: 'interrupted while sending' });
        return { kind: 'done' };
      }
      const now = this.deps.now();
      const closed = openVerdict(consultation, now);
      if (!closed.ok) return this.skip(delivery, closed.reason, delivery.state === 'retry');
      const quiet = quietUntil(now, consultation);
      if (quiet) return { kind: 'quiet', until: quiet };
      const pacing = delivery.channel ? this.deps.pacing[delivery.channel] : undefined;
      const slot = pacing ? await pacing.next() : undefined;
      // Claimed just ahead of the slot, so that the send is on time: a slot missed is lost.
      if (slot !== undefined) await sleepUntil(slot - this.lead.ms);
      if (interrupted()) {
        if (pacing && slot !== undefined) pacing.giveBack(slot);
        return { kind: 'stopped' };
      }
      const claimStarted = performance.now();
      const claim = await this.claim(wave, delivery, tries);
      this.lead.observe(performance.now() - claimStarted);
      if (claim.kind !== 'claimed') {
        if (pacing && slot !== undefined) pacing.giveBack(slot);
        if (claim.kind === 'again') continue;
        return { kind: 'done' };
      }
      const { participant } = claim;
      const route = routeOf(participant, this.deps.transports);
      if (pacing && slot !== undefined) await onTime(pacing, slot);
      const result = await this.send(route, participant, delivery);
      const next = await this.settle(delivery, participant, route, result, claim.retrying);
      if (next === undefined) return { kind: 'done' };
      delivery = next;
    }
  }

  /** The participant claimed for this delivery, or what to do instead. */
  private async claim(
    wave: WaveDoc,
    delivery: DeliveryDoc,
    tries: number,
  ): Promise<
    | { kind: 'claimed'; participant: ParticipantSummary; retrying: boolean }
    | { kind: 'done' }
    | { kind: 'again' }
  > {
    const { repository, consultation } = this.deps;
    const now = this.deps.now();
    if (delivery.state === 'retry') {
      // Already counted on the participant: judged as if it were not, then marked as sending.
      const participant = await this.deps.participants.get(delivery.participantId);
      const judged = participant && { ...participant, reminders: { received: 0 } };
      const verdict = reminderVerdict(judged, wave, consultation, now);
      if (!verdict.ok || participant === null) {
        await this.skip(delivery, verdict.ok ? 'deleted' : verdict.reason, true);
        return { kind: 'done' };
      }
      await repository.setDelivery(delivery._id, ['retry'], 'sending', {}, now);
      return { kind: 'claimed', participant, retrying: true };
    }
    const { maxPerParticipant, minHoursBetween } = consultation.reminders;
    const rules = { ...wave, maxPerParticipant, minHoursBetween };
    const claimed = await repository.claimParticipant(delivery, rules, now);
    if (claimed) return { kind: 'claimed', participant: claimed, retrying: false };
    // Refused: find out why, from the participant as they are now.
    const participant = await this.deps.participants.get(delivery.participantId);
    if (participant?.reminders.claimed?.includes(delivery._id)) {
      // Claimed by a process that did not record what happened (killed): maybe sent.
      await this.record(delivery, 'uncertain', { reason: 'interrupted between claim and record' });
      return { kind: 'done' };
    }
    const verdict = reminderVerdict(participant, wave, consultation, now);
    if (!verdict.ok) {
      await this.skip(delivery, verdict.reason, false);
      return { kind: 'done' };
    }
    // Remindable, yet refused: another claim changed them in between. Look again.
    if (tries < maxClaimTries) return { kind: 'again' };
    await this.skip(delivery, 'claim contended', false);
    return { kind: 'done' };
  }

  private async skip(
    delivery: DeliveryDoc,
    reason: string,
    claimed: boolean,
  ): Promise<DeliverOutcome> {
    if (claimed) {
      const participant = await this.deps.participants.get(delivery.participantId);
      if (participant) await this.unclaim(participant, delivery);
    }
    await this.record(delivery, 'skipped', { reason });
    return { kind: 'done' };
  }

  /** The transport's answer, any exception being an uncertain send. */
  private async send(
    route: ReminderRoute | undefined,
    participant: ParticipantSummary,
    delivery: DeliveryDoc,
  ): Promise<DeliveryResult> {
    if (!route) return { kind: 'no_route' };
    const { consultation, catalog } = this.deps;
    const message = reminderMessage(participant, delivery._id, consultation, catalog);
    try {
      return await route.transport.send(participant, message);
    } catch (error) {
      this.deps.log.error({ err: error, deliveryId: delivery._id }, 'reminders: transport threw');
      return { kind: 'uncertain', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Records a send's result; returns the delivery to try again, if it is to be. */
  private async settle(
    delivery: DeliveryDoc,
    participant: ParticipantSummary,
    route: ReminderRoute | undefined,
    result: DeliveryResult,
    retrying: boolean,
  ): Promise<DeliveryDoc | undefined> {
    const { repository, log } = this.deps;
    const now = this.deps.now();
    const attempts = delivery.attempts + 1;
    const channel = route?.transport.channel;
    switch (result.kind) {
      case 'sent':
        await this.record(delivery, 'sent', { channel, attempts, sentAt: now });
        return undefined;
      case 'no_route':
        await repository.holdForVisit(participant.participantId, delivery._id, now);
        await this.record(delivery, 'held', {
          channel,
          attempts,
          reason: 'shown at their next visit',
        });
        return undefined;
      case 'uncertain':
        await this.record(delivery, 'uncertain', { channel, attempts, reason: result.reason });
        return undefined;
      case 'failed':
      case 'unreachable': {
        await this.unclaim(participant, delivery);
        const reason =
          result.kind === 'unreachable' ? `unreachable: ${result.reason}` : result.reason;
        await this.record(delivery, 'failed', { channel, attempts, reason });
        if (result.kind === 'unreachable' && route) await this.markUnreachable(route.identity);
        return undefined;
      }
      case 'retry': {
        if (attempts >= this.deps.maxAttempts) {
          await this.unclaim(participant, delivery);
          const reason = `gave up after ${attempts} tries: ${result.reason}`;
          await this.record(delivery, 'failed', { channel, attempts, reason });
          return undefined;
        }
        const pacing = channel ? this.deps.pacing[channel] : undefined;
        // Everyone on this channel waits (Telegram: the whole wave, in every process).
        if (pacing) await pacing.budget.pause(Date.now() + result.afterMs);
        else await sleepUntil(Date.now() + result.afterMs);
        const from: DeliveryDoc['state'] = retrying ? 'sending' : 'queued';
        await repository.setDelivery(
          delivery._id,
          [from],
          'retry',
          { attempts, reason: result.reason },
          now,
        );
        log.info({ deliveryId: delivery._id, afterMs: result.afterMs }, 'reminders: retry later');
        return { ...delivery, state: 'retry', attempts };
      }
    }
  }

  private async record(
    delivery: DeliveryDoc,
    state: DeliveryDoc['state'],
    patch: Parameters<ReminderRepository['setDelivery']>[3],
  ): Promise<void> {
    // From any unfinished state, and from `uncertain` too: a process that stalled past its
    // lease while sending knows better than the one that took over.
    await this.deps.repository.setDelivery(
      delivery._id,
      ['queued', 'retry', 'sending', 'uncertain'],
      state,
      { ...patch, by: this.deps.owner },
      this.deps.now(),
    );
    this.deps.onRecorded?.(state, patch);
  }

  private async unclaim(participant: ParticipantSummary, delivery: DeliveryDoc): Promise<void> {
    const previous = participant.reminders.lastAt;
    await this.deps.repository.unclaimParticipant(
      participant.participantId,
      delivery._id,
      previous,
    );
  }

  private async markUnreachable(identity: ChannelIdentity): Promise<void> {
    try {
      await this.deps.handleTurn(identity, { kind: 'undeliverable' });
    } catch (error) {
      this.deps.log.error({ err: error }, 'reminders: could not mark unreachable');
    }
  }
}

/**
 * Waits for the slot, or for another one when this one was missed by more than one interval
 * (the claim was slow, the process busy): messages sent late go out bunched, and Telegram
 * answers a bunch with 429 and a pause for every sender.
 */
async function onTime(pacing: SlotDispenser, slot: number): Promise<void> {
  const intervalMs = 1000 / pacing.budget.perSecond;
  let at = slot;
  await sleepUntil(at);
  while (Date.now() - at > intervalMs) {
    at = await pacing.next();
    await sleepUntil(at);
  }
}

function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
