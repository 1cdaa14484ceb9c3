import type { Writable } from 'node:stream';
import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import {
  finishAudit,
  recordAudit,
  type AuditActor,
  type AuditDetails,
} from '../../storage/audit-log.js';
import { mongoExportSource, type ExportSource } from '../../storage/export-source.js';
import { buildExportTable } from './build-export-table.js';
import { buildCodebook } from './codebook.js';
import type { ExportRequest } from './export-request.js';
import type { ExportTable } from './export-table.js';
import { contentTypes, exportFileName, writeExport } from './write-export.js';

export interface ExportDeps {
  db: Db;
  consultation: Consultation;
  catalog: Catalog;
  /** Keys the pseudonyms (exportPseudonymSecret). */
  secret: string;
  /** Where rows are read; the database's by default. */
  source?: ExportSource;
  now?: () => Date;
}

/** An export ready to be written: its file name and type are known before the first byte. */
export interface OpenedExport {
  table: ExportTable;
  fileName: string;
  contentType: string;
  /** Writes every row to `output` (left open) and completes the audit entry. */
  writeTo(output: Writable, onRow?: () => void): Promise<number>;
}

/**
 * Selects what an export covers and records it in the audit log (who, what, which filters,
 * raw or masked) before a single row is written; the command line and the admin API both
 * export through here. The caller checked the actor may ask for it (scope, raw).
 *
 * @example const opened = await openExport(deps, request, { kind: 'cli' }); await opened.writeTo(process.stdout)
 */
export async function openExport(
  deps: ExportDeps,
  request: ExportRequest,
  actor: AuditActor,
): Promise<OpenedExport> {
  const now = deps.now ?? (() => new Date());
  const table = await buildExportTable(
    {
      source: deps.source ?? mongoExportSource(deps.db),
      consultation: deps.consultation,
      catalog: deps.catalog,
      codebook: buildCodebook(deps.consultation, deps.catalog),
      secret: deps.secret,
    },
    request,
  );
  const auditId = await recordAudit(
    deps.db,
    { actor, action: 'export', details: auditDetails(request) },
    now(),
  );
  return {
    table,
    fileName: exportFileName(table, request.format, now()),
    contentType: contentTypes[request.format],
    async writeTo(output, onRow) {
      try {
        const rows = await writeExport(table, output, {
          format: request.format,
          excel: request.excel,
          onRow,
        });
        await finishAudit(deps.db, auditId, { outcome: 'done', rows }, now());
        return rows;
      } catch (error) {
        await finishAudit(deps.db, auditId, { outcome: 'failed' }, now()).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** What the audit log keeps of a request: every choice that changes what was exported. */
export function auditDetails(request: ExportRequest): AuditDetails {
  const f = request.filters;
  const details: AuditDetails = {
    kind: request.kind,
    format: request.excel ? 'csv (excel)' : request.format,
    raw: request.raw,
  };
  if (request.wide) details['wide'] = true;
  if (f.councilIds) details['councils'] = f.councilIds;
  if (f.departments) details['departments'] = f.departments;
  if (f.themes) details['themes'] = f.themes;
  if (f.statuses) details['statuses'] = f.statuses;
  if (f.since) details['since'] = f.since.toISOString();
  if (f.until) details['until'] = f.until.toISOString();
  if (f.langs) details['langs'] = f.langs;
  if (f.channels) details['channels'] = f.channels;
  return details;
}
