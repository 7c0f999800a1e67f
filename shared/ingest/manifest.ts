import type { DatasetName } from './datasets.ts';

/** What one upload became. Written to manifests/<ADMIN>/<dataset>/<uploadId>.json and printed by the CLI. */
export interface Manifest {
  uploadId: string;
  administration: string;
  dataset: DatasetName;
  /**
   * ingested: rows are in curated/ (those of earlier versions of the same file name are replaced);
   * duplicate: the same bytes (sha256) are already ingested, nothing was added;
   * unreadable: the file could not be parsed, it is quarantined whole.
   */
  status: 'ingested' | 'duplicate' | 'unreadable';
  source: { fileName: string; key?: string; versionId?: string; bytes: number };
  /** Detected or requested layout, e.g. "wco-bacuda-synthetic"; null when unreadable before the header. */
  format: string | null;
  compression: 'gzip' | 'none' | null;
  sha256: string;
  schemaVersion: number;
  /** Always rowsAccepted + rowsRejected. */
  rowsIn: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rejections per reason field ("date", "hsCode", "*" for the whole row, "file" when unreadable). */
  rejectedByField: Record<string, number>;
  quarantine: { key: string; rows: number; errorReport?: string } | null;
  /** Curated Parquet files written by this upload, with rows and partition. */
  files: { key: string; rows: number; year: number; month: number }[];
  /** The earlier upload of the same file name whose rows this one replaced. */
  replaces: string | null;
  /** For a duplicate: the upload that already holds these bytes. */
  duplicateOf: string | null;
  /** Set on an earlier manifest once a corrected version of the file replaced it. */
  supersededBy?: string;
  error?: string;
  warnings: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export function manifestPrefix(admin: string, dataset: DatasetName): string {
  return `manifests/${admin}/${dataset}/`;
}

export function manifestKey(admin: string, dataset: DatasetName, uploadId: string): string {
  return `${manifestPrefix(admin, dataset)}${uploadId}.json`;
}

/**
 * Small pointer objects that make duplicate, replacement and retry checks one GET each. Kept outside
 * manifests/ so listing a dataset's manifests lists uploads only.
 */
export function pointerKey(
  admin: string,
  dataset: DatasetName,
  kind: 'sha256' | 'source' | 'object',
  id: string,
): string {
  return `state/ingest/${admin}/${dataset}/${kind}/${id}.json`;
}

export function quarantinePrefix(admin: string, dataset: DatasetName, uploadId: string): string {
  return `quarantine/${admin}/${dataset}/${uploadId}/`;
}

const KEY_ORDER: (keyof Manifest)[] = [
  'uploadId',
  'administration',
  'dataset',
  'status',
  'source',
  'format',
  'compression',
  'sha256',
  'schemaVersion',
  'rowsIn',
  'rowsAccepted',
  'rowsRejected',
  'rejectedByField',
  'quarantine',
  'files',
  'replaces',
  'duplicateOf',
  'supersededBy',
  'error',
  'warnings',
  'startedAt',
  'finishedAt',
  'durationMs',
];

/** The manifest with its keys in reading order (status and counts first, timings last). */
export function orderedManifest(m: Manifest): Manifest {
  const out: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if (m[k] !== undefined) out[k] = m[k];
  return out as unknown as Manifest;
}
