import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Lang } from '../../dialogs/session-state.js';
import type { Catalog } from '../../dialogs/translate.js';
import { listCouncils } from '../../storage/council-repository.js';
import type { Storage } from '../../storage/storage.js';
import { readSynthesisAnswers } from './read-synthesis-answers.js';
import { summarizeConsultation } from './summarize-consultation.js';
import type { SynthesisReport } from './synthesis-report.js';

export interface SynthesisSource {
  db: Db;
  storage: Storage;
  consultation: Consultation;
  catalog: Catalog;
}

export interface SynthesisOptions {
  /** Only these councils (a coordinator's); absent or null: all. */
  councilIds?: readonly string[] | null | undefined;
  /** The language of the masks in quotes. */
  lang?: Lang | undefined;
}

/**
 * The synthesis of the running consultation, read from storage: participants (one small
 * entry each), then the answers, read unsorted and grouped by participant here
 * (read-synthesis-answers.ts). For the command line and for an admin route alike.
 *
 * @example renderSynthesisHtml(await buildSynthesis(runtime, { councilIds: ['QN05981M'] }))
 */
export async function buildSynthesis(
  source: SynthesisSource,
  options: SynthesisOptions = {},
): Promise<SynthesisReport> {
  const { storage, consultation } = source;
  const councilIds = options.councilIds ?? null;
  const councils = new Map(
    (await listCouncils(source.db)).map((c) => [c.id, { name: c.name, commune: c.commune }]),
  );
  return summarizeConsultation({
    consultation,
    catalog: source.catalog,
    participants: storage.participants.list({
      consultationId: consultation.id,
      ...(councilIds === null ? {} : { councilIds }),
    }),
    answers: await readSynthesisAnswers(source.db, consultation.id),
    councils,
    councilIds,
    lang: options.lang,
  });
}

/** The report as the JSON file `export synthesis --format json` writes. */
export function synthesisJson(report: SynthesisReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
