import { type CsvOptions, parseCsvBatches } from './csv.ts';
import type { FieldDef } from './fields.ts';
import {
  type ColumnMapping,
  type CompiledLayout,
  compileLayout,
  detectLayout,
  LayoutError,
  type RowError,
} from './layout.ts';
import { type ByteSource, decodeUtf8, maybeGunzip } from './source.ts';

export interface ParsedRow {
  /** 1-based position of the record among the data records (the header is not counted). */
  rowNumber: number;
  /** 1-based physical line where the record starts in the (decompressed) file. */
  line: number;
  /** Canonical values in the dataset's field order. */
  values: unknown[];
  /** Empty when the row is valid. */
  errors: RowError[];
}

export interface ReadOptions {
  fields: readonly FieldDef[];
  /** Candidate layouts, built-in and registered. */
  layouts: readonly ColumnMapping[];
  /** "auto" (default) detects from the header; otherwise the name of one layout, which must fit. */
  format?: string;
  csv?: CsvOptions;
}

/** What the reader learnt about the file, filled in once the header has been read. */
export interface ReadInfo {
  format?: string;
  compression?: 'gzip' | 'none';
  delimiter?: string;
  header?: string[];
  layout?: CompiledLayout;
}

/** Bad header, unknown layout or broken CSV: the whole file is unreadable. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/**
 * Streams a CSV or gzipped CSV: detects the layout from the header, then yields batches of rows
 * converted to canonical fields, each with its validation errors. Memory stays at one batch plus one
 * read chunk whatever the file size.
 */
export function readRows(
  source: ByteSource,
  options: ReadOptions,
): { info: ReadInfo; batches: AsyncGenerator<ParsedRow[]> } {
  const info: ReadInfo = {};
  const batches = (async function* () {
    const unzipped = maybeGunzip(source);
    let layout: CompiledLayout | undefined;
    let rowNumber = 0;
    try {
      for await (const records of parseCsvBatches(decodeUtf8(unzipped.bytes), {
        ...options.csv,
        onDelimiter: (d) => {
          info.delimiter = d;
        },
      })) {
        let start = 0;
        if (!layout) {
          info.compression = unzipped.compression();
          const header = records[0].fields.map((h) => h.trim());
          info.header = header;
          layout = pickLayout(header, options);
          info.layout = layout;
          info.format = layout.mapping.name;
          start = 1;
        }
        const out: ParsedRow[] = new Array(records.length - start);
        for (let i = start; i < records.length; i++) {
          const r = records[i];
          const converted = layout.convert(r.fields);
          const { values } = converted;
          const errors = r.error ? [{ field: '*', message: r.error }, ...converted.errors] : converted.errors;
          out[i - start] = { rowNumber: ++rowNumber, line: r.line, values, errors };
        }
        if (out.length) yield out;
      }
    } catch (err) {
      if (err instanceof UnreadableFileError) throw err;
      const e = err as Error & { code?: string };
      if (e.name === 'CsvSyntaxError' || e.name === 'LayoutError' || e.code?.startsWith('Z_'))
        throw new UnreadableFileError(e.message);
      throw err;
    }
    if (!layout) throw new UnreadableFileError('the file is empty (no header line)');
  })();
  return { info, batches };
}

function pickLayout(header: string[], options: ReadOptions): CompiledLayout {
  const format = options.format ?? 'auto';
  let mapping: ColumnMapping | undefined;
  if (format === 'auto') {
    mapping = detectLayout(header, options.layouts);
    if (!mapping) {
      throw new UnreadableFileError(
        `unrecognised layout: header [${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}] matches none of ${options.layouts.map((l) => l.name).join(', ')}; register a column mapping for it`,
      );
    }
  } else {
    mapping = options.layouts.find((l) => l.name === format);
    if (!mapping)
      throw new LayoutError(
        `unknown format "${format}"; known: auto, ${options.layouts.map((l) => l.name).join(', ')}`,
      );
  }
  return compileLayout(mapping, header, options.fields);
}
