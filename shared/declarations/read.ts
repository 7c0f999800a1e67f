import type { Readable } from 'node:stream';
import { type ColumnMapping, type RowError, recordBuilder } from '../ingest/layout.ts';
import { type ReadInfo, readRows } from '../ingest/read.ts';
import { type ByteSource, fileBytes } from '../ingest/source.ts';
import { DECLARATION_FIELDS, type Declaration } from './canonical.ts';
import { DECLARATION_FIELD_DEFS } from './fields.ts';
import { BUILTIN_DECLARATION_LAYOUTS } from './layouts.ts';

export interface DeclarationRow {
  /** 1-based position among the file's data records (header not counted). */
  rowNumber: number;
  /** 1-based physical line where the record starts (quoted text may span lines). */
  line: number;
  /**
   * The row in canonical form. Identifier fields hold the raw IDs as read (pseudonymised only on
   * ingest). Fields that failed validation are null, so check `errors` before trusting the row.
   */
  declaration: Declaration;
  /** Validation problems; empty when the row is valid. */
  errors: RowError[];
}

export interface ReadDeclarationsOptions {
  /** "auto" (default) detects the layout from the header, or a layout name such as "kcs". */
  format?: string;
  /** Extra layouts (an administration's registered mappings), tried alongside the built-in ones. */
  mappings?: readonly ColumnMapping[];
  /** Receives what was detected (format, compression) once the header has been read. */
  info?: ReadInfo;
}

const toDeclaration = recordBuilder<Declaration>(DECLARATION_FIELDS);

/** Layouts known for declarations: built-ins plus any registered ones. */
export function declarationLayouts(extra: readonly ColumnMapping[] = []): ColumnMapping[] {
  return [...BUILTIN_DECLARATION_LAYOUTS, ...extra];
}

/**
 * Batches of declaration rows from a byte stream (CSV or gzipped CSV). Throws UnreadableFileError
 * when the header matches no layout or the CSV is broken.
 */
export function readDeclarationBatches(
  source: ByteSource | Readable,
  options: ReadDeclarationsOptions = {},
): AsyncGenerator<DeclarationRow[]> {
  const { info, batches } = readRows(source as ByteSource, {
    fields: DECLARATION_FIELD_DEFS,
    layouts: declarationLayouts(options.mappings),
    format: options.format,
  });
  return (async function* () {
    for await (const batch of batches) {
      if (options.info) Object.assign(options.info, info);
      yield batch.map((r) => ({
        rowNumber: r.rowNumber,
        line: r.line,
        declaration: toDeclaration(r.values),
        errors: r.errors,
      }));
    }
    if (options.info) Object.assign(options.info, info);
  })();
}

/**
 * Streams a declarations file (CSV or CSV.gz, any known layout) as canonical rows, one at a time, each
 * with its row number and validation errors.
 *
 * @example
 *   for await (const { declaration, errors } of readDeclarationsFile('kcs.csv')) if (!errors.length) use(declaration);
 */
export async function* readDeclarationsFile(
  path: string,
  options: ReadDeclarationsOptions = {},
): AsyncGenerator<DeclarationRow> {
  for await (const batch of readDeclarationBatches(fileBytes(path), options)) yield* batch;
}
