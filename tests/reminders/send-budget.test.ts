// The shared send budget (a GCRA in one database document), the slot dispenser of a process
// and the claim's lead, on the run's real database server.
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ClaimLead } from '../../bot/reminders/claim-lead.js';
import { SlotDispenser } from '../../bot/reminders/slot-dispenser.js';
import { SendBudget } from '../../storage/send-budget.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;

beforeEach(async () => {
  database = await useTestDatabase();
});

afterEach(async () => {
  await database.drop();
});

/** Slots far ahead never wait for the horizon: the test measures the bookings, not time. */
function budget(perSecond = 1000): SendBudget {
  return new SendBudget(database.db, { key: 'telegram', perSecond, horizonMs: 3_600_000 });
}

/** The smallest gap between two of the slots, once sorted. */
function closest(slots: number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let least = Infinity;
  for (let i = 1; i < sorted.length; i += 1)
    least = Math.min(least, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  return least;
}

describe('the send budget', () => {
  it('gives two processes booking at once disjoint slots, one interval apart at least', async () => {
    const [one, two] = [budget(), budget()];
    const slots: number[] = [];
    const book = async (b: SendBudget) => {
      for (let i = 0; i < 40; i += 1) slots.push(...(await b.book(3)));
    };
    await Promise.all([book(one), book(two), one.record(5), two.record(5)]);
    expect(slots).toHaveLength(240);
    // 1,000/s: one millisecond apart (floating point aside), whichever process booked them.
    expect(closest(slots)).toBeGreaterThan(0.999);
  });

  it('books again with one write when no one else moved it, and reads when someone did', async () => {
    const client = new MongoClient(inject('mongoUri'), { monitorCommands: true });
    await client.connect();
    try {
      const commands: string[] = [];
      client.on('commandStarted', (event) => {
        if (event.command[event.commandName] === 'send_budget') commands.push(event.commandName);
      });
      // One a second: the slots stay ahead of the clock however slow the machine is.
      const mine = new SendBudget(client.db(database.name), {
        key: 'telegram',
        perSecond: 1,
        horizonMs: 3_600_000,
      });
      const first = await mine.book(2);
      commands.length = 0;
      const second = await mine.book(2);
      expect(commands).toEqual(['update']);
      expect(second[0]).toBe((first[1] ?? 0) + 1000);
      // Another process books in between: the write that assumed otherwise fails, then a read.
      const theirs = await budget(1).book(1);
      commands.length = 0;
      const third = await mine.book(1);
      expect(commands).toEqual(['update', 'find', 'update']);
      expect(third[0]).toBe((theirs[0] ?? 0) + 1000);
    } finally {
      await client.close();
    }
  });
});

class CountingBudget extends SendBudget {
  booked = 0;

  override async book(count: number): Promise<number[]> {
    this.booked += count;
    return super.book(count);
  }
}

describe('the slot dispenser', () => {
  it('hands a slot given back to the next sender, without booking; one already past is dropped', async () => {
    const counted = new CountingBudget(database.db, {
      key: 'telegram',
      perSecond: 1,
      horizonMs: 3_600_000,
    });
    const dispenser = new SlotDispenser(counted, 1);
    await dispenser.next();
    // The second slot is a second ahead: still to come when given back.
    const slot = await dispenser.next();
    expect(counted.booked).toBe(2);
    dispenser.giveBack(slot);
    expect(await dispenser.next()).toBe(slot);
    expect(counted.booked).toBe(2);
    dispenser.giveBack(Date.now() - 1);
    const next = await dispenser.next();
    expect(counted.booked).toBe(3);
    expect(next - slot).toBe(1000);
  });
});

describe('the claim lead', () => {
  it('follows the slow tail of recent claims, within 20 to 100 ms', () => {
    const lead = new ClaimLead();
    expect(lead.ms).toBe(20);
    for (let i = 0; i < 64; i += 1) lead.observe(5);
    expect(lead.ms).toBe(20);
    // One claim in five takes 40 ms: the lead covers them (1.5 × the 90th percentile).
    for (let i = 0; i < 64; i += 1) lead.observe(i % 5 === 0 ? 40 : 5);
    expect(lead.ms).toBe(60);
    for (let i = 0; i < 64; i += 1) lead.observe(400);
    expect(lead.ms).toBe(100);
  });
});
