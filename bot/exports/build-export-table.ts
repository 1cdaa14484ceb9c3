import { answersLongExport } from './answers-long-export.js';
import { answersWideExport } from './answers-wide-export.js';
import { codebookExport } from './codebook-export.js';
import type { ExportContext } from './export-context.js';
import type { ExportKind, ExportRequest } from './export-request.js';
import type { ExportTable } from './export-table.js';
import { participantsExport } from './participants-export.js';
import { transcriptsExport } from './transcripts-export.js';

/** Each export kind, named as on the command line and in `/admin/api/exports/<kind>`. */
const builders: Record<
  ExportKind,
  (context: ExportContext, request: ExportRequest) => Promise<ExportTable>
> = {
  answers: (context, request) =>
    request.wide ? answersWideExport(context, request) : answersLongExport(context, request),
  participants: participantsExport,
  transcripts: transcriptsExport,
  codebook: codebookExport,
};

/** The table of an export: participants selected, rows still to be read. */
export function buildExportTable(
  context: ExportContext,
  request: ExportRequest,
): Promise<ExportTable> {
  return builders[request.kind](context, request);
}
