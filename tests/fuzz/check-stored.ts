import type { Db } from 'mongodb';
import type { z } from 'zod';
import {
  answerDocSchema,
  identityDocSchema,
  participantDocSchema,
  transcriptDocSchema,
} from '../../storage/documents.js';
import { lastTurnFromStored } from '../../storage/last-turn-text.js';
import { storedStateSchema } from '../../storage/stored-state.js';

/** Signs of a value written wrong: a stringified object, a replaced half emoji, a lone surrogate. */
const broken = /\[object |\ufffd|\p{Cs}/u;

/** A channel identity as the channels make it. */
const externalIds: Record<string, RegExp> = {
  telegram: /^-?\d{1,16}$/,
  web: /^(bf:[A-Za-z0-9._-]{1,64}:.+|[A-Za-z0-9_-]{1,100})$/,
  console: /^.+$/,
};

const schemas: Record<string, z.ZodType> = {
  participants: participantDocSchema,
  identities: identityDocSchema,
  answers: answerDocSchema,
  transcripts: transcriptDocSchema,
};

/**
 * What is malformed in the database after an attack: documents of the main collections that
 * do not parse, identities no channel would make, and in every collection any key starting
 * with `$` or any string holding "[object ", U+FFFD or half a surrogate pair. One line each.
 */
export async function malformedStored(db: Db, limit = 50_000): Promise<string[]> {
  const problems: string[] = [];
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  for (const name of names) {
    const schema = schemas[name];
    for await (const doc of db.collection(name).find({}).limit(limit)) {
      const where = `${name}/${String(doc._id)}`;
      const walked = walk(doc);
      if (walked) problems.push(`${where}: ${walked}`);
      const readable = name === 'participants' ? withLastTurnRead(doc, where) : doc;
      if (schema && !schema.safeParse(readable).success) problems.push(`${where}: does not parse`);
      if (name === 'participants' && !storedStateSchema.safeParse(doc.state).success)
        problems.push(`${where}: its engine state does not parse`);
      if (name === 'identities' || name === 'participants') {
        const identities: unknown[] =
          name === 'identities' ? [doc] : Array.isArray(doc.identities) ? doc.identities : [];
        for (const identity of identities) {
          if (typeof identity !== 'object' || identity === null) continue;
          const channel = 'channel' in identity ? String(identity.channel) : '';
          const id = 'externalId' in identity ? String(identity.externalId) : '';
          if (!externalIds[channel]?.test(id))
            problems.push(`${where}: identity ${channel}:${id.slice(0, 40)}`);
        }
      }
    }
  }
  return problems;
}

/** A participant as the storage reads it: `lastTurn` is kept as JSON text (last-turn-text.ts). */
function withLastTurnRead(doc: Record<string, unknown>, where: string): unknown {
  try {
    return { ...doc, lastTurn: lastTurnFromStored(doc['lastTurn'], where) };
  } catch {
    return undefined;
  }
}

function walk(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string')
    return broken.test(value)
      ? `${path || '(root)'} holds ${JSON.stringify(value.slice(0, 60))}`
      : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = walk(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$') || broken.test(key)) return `${path}.${key}: key`;
    const found = walk(child, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
