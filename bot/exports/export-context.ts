import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import type { ExportSource } from '../../storage/export-source.js';
import type { Codebook } from './codebook.js';

/** What every export kind reads from. */
export interface ExportContext {
  source: ExportSource;
  consultation: Consultation;
  catalog: Catalog;
  codebook: Codebook;
  /** Keys the pseudonyms (see participantPseudonym). */
  secret: string;
}
