import type { DatasetDef } from './datasets.ts';
import type { CompiledLayout } from './layout.ts';

/**
 * A bulk engine for the common case of an upload: a well-formed CSV whose every cell is in a plain,
 * unambiguous form. It reads, converts, pseudonymises and writes partitioned Parquet in native code,
 * several times faster than the streaming JS path. Anything it is not certain about (a row needing a
 * rejection reason, a malformed record) makes it decline, and the upload goes through the JS path,
 * which stays the one authority on validation. Locally this is DuckDB (shared/adapters/duckdb-bulk-loader.ts);
 * the ingest Lambda runs without one (no native code in the function bundle).
 */
export interface BulkLoader {
  load(request: BulkLoadRequest): Promise<BulkLoadResult>;
}

export interface BulkLoadRequest {
  /** A local copy of the upload, as uploaded (possibly gzipped). */
  path: string;
  compression: 'gzip' | 'none';
  delimiter: string;
  layout: CompiledLayout;
  dataset: DatasetDef;
  /** The administration's pseudonymisation key. */
  key: Uint8Array;
  /** An empty local folder for the Parquet files. */
  outDir: string;
  kvMetadata: Record<string, string>;
  log?: (line: string) => void;
}

export interface BulkFile {
  /** Local path of one Parquet file under outDir. */
  path: string;
  rows: number;
  year: number;
  month: number;
}

export type BulkLoadResult =
  | { status: 'loaded'; rowsIn: number; files: BulkFile[] }
  | { status: 'declined'; reason: string };
