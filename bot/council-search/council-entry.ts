import type { CouncilRef } from '../../dialogs/session-state.js';
import { contentWords, placeWords } from './place-words.js';

/** What the index is given for one council: its reference, codes and where it is. */
export interface IndexedCouncil extends CouncilRef {
  invitationCodes: readonly string[];
  /** INSEE code(s), separated by ";" in the order of `commune`. */
  communeInsee?: string;
  departmentName?: string;
}

/** A name as the search compares it. */
export interface Place {
  words: string[];
  /** Without the filler words (« la », « sur »…). */
  content: string[];
  /** The words run together: « St-Denis », « saint denis » and « SaintDenis » are one. */
  compact: string;
}

/** One council prepared for searching. */
export interface CouncilEntry {
  ref: CouncilRef;
  communes: Place[];
  name: Place;
  departmentName: Place | undefined;
  /** Upper case, e.g. "59", "2A", "974". */
  departmentCode: string;
  insee: string[];
  postcodes: string[];
  /** Every word of its names, its département code, INSEE codes and postcodes. */
  words: string[];
  sortKey: string;
}

/**
 * Multi-commune QPVs list their communes separated by "; ". `placeOf` is `place`, or a
 * memoised `place` while a whole list is indexed (its communes and départements repeat).
 */
export function councilEntry(
  council: IndexedCouncil,
  postcodesOf: ReadonlyMap<string, readonly string[]>,
  placeOf: (text: string) => Place = place,
): CouncilEntry {
  const { id, name, commune, department } = council;
  const ref: CouncilRef =
    department === undefined ? { id, name, commune } : { id, name, commune, department };
  const communes = commune
    .split(';')
    .map((part) => placeOf(part.trim()))
    .filter((p) => p.compact !== '');
  const insee = (council.communeInsee ?? '')
    .split(';')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== '');
  const postcodes = [...new Set(insee.flatMap((code) => postcodesOf.get(code) ?? []))];
  const departmentCode = (department ?? '').trim().toUpperCase();
  const namePlace = placeOf(name);
  const words = new Set([
    ...communes.flatMap((p) => p.words),
    ...namePlace.words,
    ...(departmentCode === '' ? [] : [departmentCode.toLowerCase()]),
    ...insee.map((code) => code.toLowerCase()),
    ...postcodes,
  ]);
  return {
    ref,
    communes,
    name: namePlace,
    departmentName: council.departmentName ? placeOf(council.departmentName) : undefined,
    departmentCode,
    insee,
    postcodes,
    words: [...words],
    sortKey: `${departmentCode.padStart(3, '0')} ${communes[0]?.compact ?? ''} ${namePlace.compact} ${id}`,
  };
}

export function place(text: string): Place {
  const words = placeWords(text);
  return { words, content: contentWords(words), compact: words.join('') };
}

/** `place`, remembering its answers: for indexing a whole list, not for what people type. */
export function memoisedPlace(): (text: string) => Place {
  const seen = new Map<string, Place>();
  return (text) => {
    let found = seen.get(text);
    if (found === undefined) seen.set(text, (found = place(text)));
    return found;
  };
}
