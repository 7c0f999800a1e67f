import { z } from 'zod';
import {
  executionSchema,
  objectCreatedEventSchema,
  parseInput,
  type RunRef,
  type Upload,
} from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { readRun, writeRun } from '../runs.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { partitionOfKey } from './partitions.ts';

const prepareUploadInput = z.object({ event: z.unknown(), execution: executionSchema });

export interface PrepareUploadOutput {
  run: RunRef;
  upload: Upload;
  results: Record<string, never>;
}

/**
 * Object keys in S3 event notifications are URL-encoded with '+' for spaces; EventBridge delivers them as written.
 * Decoding only when the key carries an escape keeps both right for curated/ keys ('=' arrives as %3D when encoded).
 */
export function decodeEventKey(key: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(key)) return key;
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** First state of the upload chain: which dataset of which administration landed, and in which partition. */
export async function prepareUpload(deps: PipelineDeps, input: unknown): Promise<PrepareUploadOutput> {
  const { event: raw, execution } = parseInput('PrepareUpload', prepareUploadInput, input);
  const event = parseInput('PrepareUpload', objectCreatedEventSchema, raw);
  const key = decodeEventKey(event.detail.object.key);
  const m = /^curated\/([^/]+)\/administration=([A-Z]{2,8})\//.exec(key);
  if (!m)
    throw new ValidationError(
      `PrepareUpload: ${key} is not a curated/<dataset>/administration=<ADMIN>/... object`,
    );
  const [, dataset, admin] = m;
  const runId = execution.name;
  // Curated files are named <source>.<upload-id>.<part>.parquet by ingest: results go under that upload id.
  const uploadId = /\.(\d{8}T\d{6}Z-[0-9a-f]{8})\.\d+\.parquet$/.exec(key)?.[1];
  const previous = await readRun(deps.store, admin, runId);
  const startedAt = new Date(execution.startTime).toISOString();
  const run: RunRef = {
    runId,
    administration: admin,
    kind: 'upload',
    startedAt: previous?.startedAt ?? startedAt,
    asOf: (event.time ?? startedAt).slice(0, 10),
    attempt: (previous?.attempt ?? 0) + 1,
    ...(uploadId ? { resultId: uploadId } : {}),
  };
  await writeRun(deps.store, {
    ...run,
    status: 'RUNNING',
    publishable: false,
    outputs: {},
    trigger: key,
    execution: execution.name,
  });
  return runStage(
    deps,
    run,
    'PrepareUpload',
    async () => ({ run, upload: { dataset, key, partition: partitionOfKey(key) }, results: {} }),
    { reuse: false },
  );
}
