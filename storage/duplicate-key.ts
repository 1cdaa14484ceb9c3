import { MongoBulkWriteError, MongoServerError } from 'mongodb';

export const duplicateKeyCode = 11000;

/** The per-document errors of a bulk write (the driver gives one error bare, not in an array). */
export function writeErrorsOf(error: MongoBulkWriteError) {
  return Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
}

/** Whether a write failed only because a unique key (often `_id`) already exists. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = writeErrorsOf(error);
    return (
      writeErrors.length > 0 &&
      writeErrors.every((writeError) => writeError.code === duplicateKeyCode)
    );
  }
  return error instanceof MongoServerError && error.code === duplicateKeyCode;
}
