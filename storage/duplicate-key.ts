import { MongoBulkWriteError, MongoServerError } from 'mongodb';

const duplicateKeyCode = 11000;

/** Whether a write failed only because a unique key (often `_id`) already exists. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    // The driver gives one write error bare, several in an array.
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return (
      writeErrors.length > 0 &&
      writeErrors.every((writeError) => writeError.code === duplicateKeyCode)
    );
  }
  return error instanceof MongoServerError && error.code === duplicateKeyCode;
}
