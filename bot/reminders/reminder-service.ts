import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WaveDoc } from '../../storage/reminder-documents.js';
import { allTargetStatuses, newWave, planWave, type WaveRequest } from './plan-wave.js';
import { ReminderSender, type SenderDeps } from './reminder-sender.js';
import { dueSlot } from './reminder-schedule.js';

export interface ReminderServiceOptions {
  /** Blocks sent at once by this process (each one message at a time). */
  workers: number;
  /** How often the schedule and new waves are looked at. */
  pollMs: number;
  /** Told once when a wave is done (a coordinator hears how it went). */
  onWaveDone?: (wave: WaveDoc) => Promise<void>;
}

export type ReminderServiceDeps = Omit<SenderDeps, 'owner'> & { owner?: string };

/** A process's name in leases: host, pid and a random part (a pid is reused after a restart). */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The reminders of one process (`concerto serve`): every `pollMs` it creates the scheduled
 * wave that is due (its `_id` is the slot's, so only one process creates it), plans waves no
 * one is planning, and keeps `workers` senders claiming blocks of sending waves until none is
 * left. Several processes share the work through the database.
 */
export class ReminderService {
  readonly owner: string;
  private readonly sender: ReminderSender;
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private claiming: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: ReminderServiceDeps,
    private readonly options: ReminderServiceOptions,
  ) {
    this.owner = deps.owner ?? processOwner();
    this.sender = new ReminderSender({ ...deps, owner: this.owner });
  }

  /** Runs until `stop()`; errors of a round are logged and the next round tries again. */
  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.stopping) {
        await this.tick().catch((error: unknown) =>
          this.deps.log.error({ err: error }, 'reminders: round failed'),
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** Looks for new waves now rather than at the next round (a coordinator just asked). */
  nudge(): void {
    this.wake?.();
  }

  /** Stops claiming; blocks in hand are given back after their current message. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.all([...this.running]);
  }

  /** One round: the due scheduled wave, planning, senders. Resolves once they are started. */
  async tick(): Promise<void> {
    await this.createScheduledWave();
    const listed = () =>
      this.deps.repository.listWaves({
        consultationId: this.deps.consultation.id,
        states: ['planning', 'sending'],
      });
    let waves = await listed();
    const planning = waves.filter((w) => w.state === 'planning');
    for (const wave of planning) {
      if (this.stopping) return;
      const planned = await planWave(wave, { ...this.deps, owner: this.owner });
      if (planned) this.deps.log.info({ waveId: wave._id }, 'reminders: wave planned');
    }
    if (planning.length > 0) waves = await listed();
    const now = this.deps.now().getTime();
    const sendable = waves.some((w) => w.state === 'sending' && w.notBefore.getTime() <= now);
    while (sendable && !this.stopping && this.running.size < this.options.workers) {
      const worker = this.work().catch((error: unknown) =>
        this.deps.log.error({ err: error }, 'reminders: sender failed'),
      );
      const tracked = worker.finally(() => this.running.delete(tracked));
      this.running.add(tracked);
    }
  }

  /** Rounds until nothing is left to send now (tests, and `remind send --here`). */
  async drain(): Promise<void> {
    await this.tick();
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** A wave asked for now (a coordinator's `/remind`, `concerto remind send`). */
  async request(request: WaveRequest): Promise<WaveDoc> {
    const wave = newWave(request, this.deps.consultation, this.deps.now());
    await this.deps.repository.createWave(wave);
    this.wake?.();
    return wave;
  }

  /** Claims blocks of sending waves, oldest first, until none can be claimed. */
  private async work(): Promise<void> {
    const { repository } = this.deps;
    while (!this.stopping) {
      const now = this.deps.now();
      const waves = await repository.listWaves({
        consultationId: this.deps.consultation.id,
        states: ['sending'],
      });
      let worked = false;
      for (const wave of waves) {
        if (wave.notBefore.getTime() > now.getTime()) continue;
        // One claim at a time in a process: its senders would only race each other.
        const claimed = this.claiming.then(() =>
          repository.claimBlock(wave._id, this.owner, new Date(), this.deps.leaseMs),
        );
        this.claiming = claimed.catch(() => undefined);
        const block = await claimed;
        if (!block) continue;
        worked = true;
        const result = await this.sender.runBlock(wave, block, () => this.stopping);
        if (result.kind === 'finished' && result.wave.state === 'done')
          await this.finished(result.wave);
        break;
      }
      if (!worked) return;
    }
  }

  private async finished(wave: WaveDoc): Promise<void> {
    this.deps.log.info({ waveId: wave._id, counts: wave.counts }, 'reminders: wave done');
    await this.options
      .onWaveDone?.(wave)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, waveId: wave._id }, 'reminders: could not report a wave'),
      );
  }

  /** The scheduled slot due now, created once whoever gets there first. */
  private async createScheduledWave(): Promise<void> {
    const { consultation } = this.deps;
    const slot = dueSlot(consultation, this.deps.now());
    if (!slot) return;
    const wave = newWave(
      {
        origin: { kind: 'schedule', slot: slot.index, daysBefore: slot.daysBefore },
        statuses: allTargetStatuses,
      },
      consultation,
      slot.at,
      slot.waveId,
    );
    if (await this.deps.repository.createWave(wave))
      this.deps.log.info({ waveId: wave._id }, 'reminders: scheduled wave created');
  }
}
