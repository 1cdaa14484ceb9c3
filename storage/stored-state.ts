import type { SessionState } from '../dialogs/session-state.js';
import { storedStateV1Schema } from './documents.js';
import { parseStored } from './storage-error.js';

/**
 * The engine state read from a participant document, through the schema of its version
 * (`state.v`). A state written by a newer program, or damaged, is refused with a clear
 * message, never half-understood. When the engine's state changes shape, add its version here
 * with a function that brings version n to n + 1.
 */
export function parseStoredState(raw: unknown, where: string): SessionState {
  return parseStored(storedStateV1Schema, raw, `${where} state`);
}

/** The state as written: checked against the current version's schema. */
export const storedStateSchema = storedStateV1Schema;
