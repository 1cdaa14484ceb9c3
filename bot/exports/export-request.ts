import type { Lang } from '../../dialogs/session-state.js';
import type { ParticipantStatus } from '../../storage/documents.js';
import type { Channel } from '../../storage/identity.js';

export const exportKinds = ['answers', 'participants', 'transcripts', 'codebook'] as const;
export type ExportKind = (typeof exportKinds)[number];

export const exportFormats = ['csv', 'ndjson', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The statuses an export can select: everyone who consented (the default). */
export const exportStatuses = [
  'not_started',
  'in_progress',
  'completed',
] as const satisfies readonly ParticipantStatus[];

/** Which rows an export keeps; unset means no restriction. */
export interface ExportFilters {
  councilIds?: string[] | undefined;
  departments?: string[] | undefined;
  /** Theme ids (`profile` for the questions before the themes): answers and codebook only. */
  themes?: string[] | undefined;
  statuses?: ParticipantStatus[] | undefined;
  /** From this instant (included)… */
  since?: Date | undefined;
  /** …to this one (excluded). */
  until?: Date | undefined;
  langs?: Lang[] | undefined;
  channels?: Channel[] | undefined;
}

/** One export, as asked on the command line or over HTTP (same names, see parseExportRequest). */
export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  /** CSV for French Excel: `;`, UTF-8 BOM, CRLF. */
  excel: boolean;
  /** Answers only: one row per participant, one column per question. */
  wide: boolean;
  /** Free text as typed, not masked: admins only, audited. */
  raw: boolean;
  /** The language of question texts and labels. */
  labels: Lang;
  filters: ExportFilters;
}
