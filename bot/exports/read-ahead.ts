/**
 * `read` applied to each item, `ahead` items ahead: items i + 1 … i + ahead are read at the
 * same time as item i and while the caller consumes it. The embedded FerretDB serves one query
 * on one core, so an export reading one batch at a time left the second core idle; with one
 * batch ahead the server works on both (answers to CSV: 3,604 → 5,736 rows/s, docs/BENCHMARKS.md;
 * two ahead gave 6,171 for 85 MB more), for `ahead` batches more in memory.
 *
 * @example for await (const [ids, found] of readAhead(batches, (ids) => lookUp(ids))) write(found)
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  ahead = 1,
): AsyncGenerator<[T, R]> {
  const inFlight = new Map<number, Promise<R>>();
  const reading = (index: number, item: T) => {
    let result = inFlight.get(index);
    if (!result) {
      result = read(item);
      // Handled from now: a read that fails while an earlier batch is written is not an
      // unhandled rejection (which stops Node); it is thrown when its turn comes.
      result.catch(() => undefined);
      inFlight.set(index, result);
    }
    return result;
  };
  try {
    for (const [index, item] of items.entries()) {
      const result = reading(index, item);
      items
        .slice(index + 1, index + 1 + ahead)
        .forEach((later, offset) => reading(index + 1 + offset, later));
      const found = await result;
      inFlight.delete(index);
      yield [item, found];
    }
  } finally {
    // Stopped early (the reader of the export went away): let the reads in flight end quietly.
    await Promise.allSettled(inFlight.values());
  }
}
