import type { Collection, Db, Document } from 'mongodb';

/** A stored document as the tests inspect it: string ids, any fields. */
export interface RawDoc extends Document {
  _id: string;
}

/** A collection read and written as is, bypassing the store, to check what it stored. */
export function raw(db: Db, name: string): Collection<RawDoc> {
  return db.collection<RawDoc>(name);
}
