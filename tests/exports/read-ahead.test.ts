import { describe, expect, it } from 'vitest';
import { readAhead } from '../../bot/exports/read-ahead.js';

/** A read that ends when told, recording when it started. */
function controlledReads() {
  const started: number[] = [];
  const finish = new Map<number, (value: string) => void>();
  const fail = new Map<number, (error: Error) => void>();
  const read = (n: number) => {
    started.push(n);
    return new Promise<string>((resolve, reject) => {
      finish.set(n, resolve);
      fail.set(n, reject);
    });
  };
  return { started, finish, fail, read };
}

describe('readAhead', () => {
  it('gives every result in order, the next read started before the caller has this one', async () => {
    const reads = controlledReads();
    const seen: [number, string][] = [];
    const iterator = readAhead([1, 2, 3], reads.read);
    const first = iterator.next();
    reads.finish.get(1)?.('one');
    const firstValue = (await first).value;
    if (firstValue) seen.push(firstValue);
    // While the caller holds batch 1, batch 2 is being read; batch 3 is not.
    expect(reads.started).toEqual([1, 2]);
    reads.finish.get(2)?.('two');
    const secondValue = (await iterator.next()).value;
    if (secondValue) seen.push(secondValue);
    expect(reads.started).toEqual([1, 2, 3]);
    reads.finish.get(3)?.('three');
    const thirdValue = (await iterator.next()).value;
    if (thirdValue) seen.push(thirdValue);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(seen).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('reads nothing for no items', async () => {
    const reads = controlledReads();
    for await (const item of readAhead([], reads.read)) expect.unreachable(String(item));
    expect(reads.started).toEqual([]);
  });

  it('a read that fails while the previous batch is written is thrown at its turn, not unhandled', async () => {
    const reads = controlledReads();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const iterator = readAhead([1, 2], reads.read);
      const first = iterator.next();
      reads.finish.get(1)?.('one');
      await first;
      reads.fail.get(2)?.(new Error('server gone'));
      // Let Node look for unhandled rejections before the caller asks for batch 2.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await expect(iterator.next()).rejects.toThrow('server gone');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stopped early, it waits for the read in flight and swallows its failure', async () => {
    const reads = controlledReads();
    const iterator = readAhead([1, 2, 3], reads.read);
    const first = iterator.next();
    reads.finish.get(1)?.('one');
    await first;
    let returned = false;
    const stopping = iterator.return(undefined).then(() => (returned = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(returned).toBe(false);
    reads.fail.get(2)?.(new Error('cancelled'));
    await stopping;
    expect(returned).toBe(true);
    expect(reads.started).toEqual([1, 2]);
  });
});
