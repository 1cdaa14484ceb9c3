import { z } from 'zod';
import { lastTurnSchema, type LastTurn, type ParticipantDoc } from './documents.js';
import { parseStored } from './storage-error.js';

/**
 * `participants.lastTurn` is stored as JSON text. It is the last turn's replies and effects,
 * kept only to finish or repeat that turn, and nothing queries inside it; FerretDB v1
 * charges for every field of a document on each read and write (measured on a real
 * participant: 4.4 ms of server CPU to read it with `lastTurn` nested, 2.8 ms as text).
 */
export function lastTurnToStored(lastTurn: LastTurn): string {
  return JSON.stringify(lastTurn);
}

/** A participant document as the collection holds it. */
export type StoredParticipantDoc = Omit<ParticipantDoc, 'lastTurn'> & {
  lastTurn: string | LastTurn;
};

const fromTextSchema = lastTurnSchema.extend({
  at: z.iso.datetime().transform((text) => new Date(text)),
});

/** Reads it back (also the nested form that documents written before this change hold). */
export function lastTurnFromStored(stored: unknown, where: string): LastTurn {
  if (typeof stored !== 'string') return parseStored(lastTurnSchema, stored, `${where}.lastTurn`);
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    json = undefined;
  }
  return parseStored(fromTextSchema, json, `${where}.lastTurn`);
}
