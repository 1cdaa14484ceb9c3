import { PassThrough } from 'node:stream';
import type { Db } from 'mongodb';
import { defaultCatalog, shippedConsultation } from '../../dialogs/load-consultation.js';
import { openExport } from '../../bot/exports/open-export.js';
import { participantPseudonym } from '../../bot/exports/participant-pseudonym.js';
import { parseExportRequest } from '../../bot/exports/parse-export-request.js';
import type { ExportRequest } from '../../bot/exports/export-request.js';
import { seedDatabase, type Persona } from '../helpers/export-seed.js';

const loaded = shippedConsultation();
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
export const consultation = loaded.consultation;
export const secret = 'export-tests-secret-export-tests-secret';

/** Free text an export must carry intact (or masked): accents, quotes, newlines, `;`, formulas. */
export const tricky = {
  multiline: 'Le bus « 12 » ; l\'arrêt "Mairie"\nne passe plus après 21 h, ça c\'est sûr',
  formula: '=HYPERLINK("http://example.org","clic")',
  plus: '+ de médiateurs, @tous -moins de bruit',
  phone: 'Appelez-moi au 06 12 34 56 78 ; ou écrivez à jean.dupont@gmail.com',
  address: "J'habite 12 rue des Lilas, 59100 Roubaix",
  other: 'la cantine ; "bio"\r\n=1+1',
};

export const personas = {
  ana: {
    identity: { channel: 'telegram', externalId: '101' },
    councilId: 'QN05981M',
    texts: [tricky.multiline, tricky.formula, tricky.plus, tricky.phone, tricky.address],
    otherText: tricky.other,
    at: new Date('2017-11-23T09:00:00Z'),
  },
  ben: {
    identity: { channel: 'web', externalId: 'dl_ben' },
    councilId: 'QN05983M',
    lang: 'en',
    texts: ['More buses at night'],
    answers: 6,
    at: new Date('2017-11-28T17:42:00Z'),
  },
  chloe: {
    identity: { channel: 'console', externalId: 'chloe' },
    councilId: 'QN00101M',
    texts: ['Une salle pour les jeunes', tricky.phone],
    at: new Date('2017-12-01T08:00:00Z'),
  },
  dan: {
    identity: { channel: 'telegram', externalId: '104' },
    councilId: 'QN05981M',
    texts: ['Dan ne veut plus être là'],
    answers: 4,
    at: new Date('2017-11-24T12:00:00Z'),
  },
} satisfies Record<string, Persona>;

export interface Seeded {
  ids: Record<keyof typeof personas, string>;
  pseudonyms: Record<keyof typeof personas, string>;
}

/** Ana, Ben and Chloe through real turns; Dan too, then erased with « supprimer ». */
export async function seedExportData(db: Db): Promise<Seeded> {
  const seed = await seedDatabase(db);
  const ids = {
    ana: await seed.play(personas.ana),
    ben: await seed.play(personas.ben),
    chloe: await seed.play(personas.chloe),
    dan: await seed.play(personas.dan),
  };
  const asked = await seed.handleTurn(
    personas.dan.identity,
    { kind: 'command', command: 'delete' },
    { inboundId: 'dan:delete' },
  );
  const prompt = asked.replies.findLast((r) => r.promptId !== undefined);
  const yes = prompt?.choices?.find((c) => c.id === 'yes');
  if (!prompt?.promptId || !yes) throw new Error('no delete confirmation offered');
  await seed.handleTurn(
    personas.dan.identity,
    { kind: 'choice', promptId: prompt.promptId, choiceId: yes.id },
    { inboundId: 'dan:yes' },
  );
  const pseudonyms = {
    ana: participantPseudonym(ids.ana, secret),
    ben: participantPseudonym(ids.ben, secret),
    chloe: participantPseudonym(ids.chloe, secret),
    dan: participantPseudonym(ids.dan, secret),
  };
  return { ids, pseudonyms };
}

/** A request as `concerto export KIND --name value…` would make it. */
export function requestOf(
  kind: string,
  options: Record<string, string | string[]> = {},
): ExportRequest {
  const parsed = parseExportRequest(
    kind,
    new Map(Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
    consultation,
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.request;
}

/** Runs an export into memory. */
export async function exportBytes(
  db: Db,
  request: ExportRequest,
): Promise<{ bytes: Buffer; rows: number; fileName: string; contentType: string }> {
  const opened = await openExport({ db, consultation, catalog: defaultCatalog, secret }, request, {
    kind: 'cli',
  });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const rows = await opened.writeTo(output);
  output.end();
  return {
    bytes: Buffer.concat(chunks),
    rows,
    fileName: opened.fileName,
    contentType: opened.contentType,
  };
}

/** An export as objects, through NDJSON (one JSON.parse per line). */
export async function exportObjects(
  db: Db,
  kind: string,
  options: Record<string, string | string[]> = {},
): Promise<Record<string, string | number>[]> {
  const { bytes } = await exportBytes(db, requestOf(kind, { ...options, format: 'ndjson' }));
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}
