import {
  MongoBulkWriteError,
  type Collection,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { duplicateKeyCode, writeErrorsOf } from './duplicate-key.js';

export type InsertOutcome = 'inserted' | 'duplicate';

/**
 * Group commit for inserts: documents inserted at about the same time by concurrent turns go
 * to the server as one unordered `insertMany`, acknowledged with the collection's write
 * concern. On FerretDB v1 (SQLite) that is one transaction and one sync for the batch instead
 * of one per document: the per-document cost drops about tenfold. Each caller still learns
 * its own outcome: inserted, or refused because its `_id` (or another unique key) exists.
 *
 * A batch is sent on the next turn of the event loop, or as soon as the previous batch of
 * this collection is acknowledged: under load, batches grow by themselves.
 */
export class InsertBatcher<T extends Document> {
  private pending: Pending<T>[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly collection: Collection<T>,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once the document is stored (or found to exist); rejects on any other error. */
  insert(doc: OptionalUnlessRequiredId<T>): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        await this.send(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async send(batch: Pending<T>[]): Promise<void> {
    try {
      await this.collection.insertMany(
        batch.map((entry) => entry.doc),
        { ordered: false },
      );
      for (const entry of batch) entry.resolve('inserted');
    } catch (error) {
      // Not acknowledged as configured (or not sent at all): nobody may reply on it.
      if (!(error instanceof MongoBulkWriteError) || error.result.getWriteConcernError()) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      const failed = new Map<number, number | undefined>();
      const writeErrors = writeErrorsOf(error);
      for (const writeError of writeErrors) failed.set(writeError.index, writeError.code);
      // Anything but per-document errors (a connection lost mid-batch…): nobody may assume.
      if (failed.size === 0 || error.result.insertedCount + failed.size !== batch.length) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      batch.forEach((entry, index) => {
        if (!failed.has(index)) entry.resolve('inserted');
        else if (failed.get(index) === duplicateKeyCode) entry.resolve('duplicate');
        else entry.reject(error);
      });
    }
  }
}

interface Pending<T extends Document> {
  doc: OptionalUnlessRequiredId<T>;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}
