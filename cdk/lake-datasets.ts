/**
 * The curated datasets the Glue catalogue declares, one table each, over
 * `curated/<dataset>/administration=<ADMIN>/year=<YYYY>/month=<MM>/*.parquet`.
 *
 * Derived from the ingest dataset registry (shared/ingest/datasets.ts), the same definition the Parquet
 * writer and the local DuckDB views use, so the Glue tables can never drift from the files.
 */
import { DATASET_NAMES, DATASETS, glueColumns } from '../shared/ingest/datasets.ts';

/** Glue/Athena (Hive) column types used by the lake. */
export type GlueType = 'string' | 'bigint' | 'int' | 'double' | 'date' | 'timestamp' | 'boolean';

export interface LakeColumn {
  name: string;
  type: GlueType;
  comment?: string;
}

export interface LakeDataset {
  /** Table name and the path segment under curated/. */
  name: string;
  description: string;
  columns: LakeColumn[];
}

export const LAKE_DATASETS: readonly LakeDataset[] = DATASET_NAMES.map((name) => ({
  name,
  description: DATASETS[name].summary,
  // The Glue catalogue stores column names in lower case; Athena matches Parquet columns case-insensitively.
  columns: glueColumns(name).map((c) => ({
    name: c.name.toLowerCase(),
    type: c.type as GlueType,
    comment: c.comment,
  })),
}));
