import type { z } from 'zod';

export type StorageErrorCode =
  /** A document read from the database does not match its schema. */
  | 'corrupt_document'
  /** A document about to be written does not match its schema (a programming error). */
  | 'invalid_document'
  /** A caller passed something unusable (empty secret, unknown participant…). */
  | 'invalid_argument';

/** A coded storage failure; infrastructure errors from the driver pass through unchanged. */
export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Parses a document read from `where` (e.g. "sessions/abc"); throws a `corrupt_document`
 * StorageError naming each bad field rather than letting a half-understood document through.
 */
export function parseStored<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new StorageError(
    'corrupt_document',
    `${where} is not a valid document: ${describeIssues(result.error)}`,
    {
      cause: result.error,
    },
  );
}

/** Validates a document before it is written; a failure is a bug in the caller. */
export function checkForWrite<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new StorageError(
    'invalid_document',
    `refusing to write ${where}: ${describeIssues(result.error)}`,
    {
      cause: result.error,
    },
  );
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
