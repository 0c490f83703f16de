import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../core/errors.js';
import type { AuditRecord, AuditStorage } from './audit-storage.js';

/** AuditExportFormat names the export formats: `jsonl`, one JSON object per record per line. */
export type AuditExportFormat = 'jsonl';

/** ExportAuditLogOptions choose the format, and whether the output is ended afterwards. */
export interface ExportAuditLogOptions {
  readonly format: AuditExportFormat;
  /** End `output` when the last record is written; default false, as `process.stdout` must stay open. */
  readonly end?: boolean;
}

const FORMATS: ReadonlySet<string> = new Set<AuditExportFormat>(['jsonl']);

/**
 * exportAuditLog writes every record, in `seq` order, to `output` and resolves with how many it wrote. Records are
 * streamed from storage with backpressure, so memory stays flat however long the log is. Each line is one record
 * with its fields in a fixed order: `{"seq":1,"at":"…","kind":"…","data":{…},"prevHash":"…","hash":"…"}`.
 *
 * The export is the records as stored, not a verified copy: run verifyAuditLog first to know they are intact.
 *
 * @throws InvalidArgumentError for an unknown format; rejects with the storage's or the stream's error
 */
export async function exportAuditLog(
  storage: AuditStorage,
  output: Writable,
  options: ExportAuditLogOptions,
): Promise<number> {
  if (!FORMATS.has(options.format)) {
    throw new InvalidArgumentError(`audit export format must be one of: ${[...FORMATS].join(', ')}`);
  }
  let written = 0;
  async function* jsonLines(): AsyncGenerator<string> {
    for await (const record of storage.auditRecords(1)) {
      yield jsonLine(record);
      written++;
    }
  }
  await pipeline(Readable.from(jsonLines()), output, { end: options.end ?? false });
  return written;
}

function jsonLine(record: AuditRecord): string {
  const { seq, at, kind, data, prevHash, hash } = record;
  return JSON.stringify({ seq, at, kind, data, prevHash, hash }) + '\n';
}
