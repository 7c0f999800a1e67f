import { z } from 'zod';
import { isAdministrationCode } from '../identity/principal.ts';
import { ValidationError } from './errors.ts';

/**
 * What flows between the pipeline's states. Every Task handler validates its input against these schemas, so a
 * malformed schedule or event fails in the first stage with a clear ValidationError (never retried).
 */

const adminCode = z.string().refine(isAdministrationCode, {
  message: 'must be an administration code (2-8 capital letters, e.g. XAA)',
});

/** A run id is the Step Functions execution name (80 chars of [A-Za-z0-9-_]), so the same id works locally. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;
const runId = z.string().regex(RUN_ID, 'must be 1-80 letters, digits, "-" or "_"');

/**
 * Input of a weekly run: what the EventBridge Scheduler schedule of each administration sends, or an on-demand
 * start. Unknown fields are rejected, so a typo in a schedule is an error rather than silently ignored.
 */
export const weeklyInputSchema = z
  .object({
    administration: adminCode,
    trigger: z.enum(['schedule', 'on-demand']).default('on-demand'),
    /** Re-drive: run again under the id of an earlier run that did not succeed; its finished stages are reused. */
    runId: runId.optional(),
    /** The date the run is for (YYYY-MM-DD); defaults to the execution's start date. */
    asOf: z.iso.date().optional(),
    /** Retrain the fraud model even when PrepareRun would only score. */
    forceRetrain: z.boolean().optional(),
  })
  .strict();
export type WeeklyInput = z.input<typeof weeklyInputSchema>;

/** EventBridge "Object Created" from S3 (only the fields the pipeline reads). */
export const objectCreatedEventSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  time: z.string().optional(),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string().min(1), size: z.number().optional(), etag: z.string().optional() }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof objectCreatedEventSchema>;

export const executionSchema = z.object({ name: z.string(), startTime: z.string() });

export const runRefSchema = z.object({
  runId,
  administration: adminCode,
  kind: z.enum(['weekly', 'upload']),
  /** ISO timestamp of the execution start. */
  startedAt: z.string(),
  /** YYYY-MM-DD the run is for. */
  asOf: z.string(),
  /** 1 for the first execution of this run id, 2+ for re-drives. */
  attempt: z.number().int().min(1),
  /**
   * Where the run's results are published (results/<ADMIN>/<series>/<resultId>/): the ingest upload id for an
   * upload-triggered run, so a batch is found under the upload that caused it; the run id otherwise.
   */
  resultId: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$/)
    .optional(),
});
export type RunRef = z.infer<typeof runRefSchema>;

/** A price source as the prices Series configures it (config/<ADMIN>/prices/sources.json). */
export const priceSourceSchema = z.looseObject({ id: z.string().min(1) });
export type PriceSource = z.infer<typeof priceSourceSchema>;

/** One partition of a curated dataset: an item of the ScoreDeclarations Map. */
export const partitionSchema = z.object({
  dataset: z.string(),
  administration: adminCode,
  year: z.number().int(),
  // 0 holds annual figures (yearly trade statistics), as in the lake's partitioning.
  month: z.number().int().min(0).max(12),
  /** Object-store prefix of the partition's Parquet files. */
  prefix: z.string(),
});
export type Partition = z.infer<typeof partitionSchema>;

export const planSchema = z.object({
  sources: z.array(priceSourceSchema),
  /** Where the partition list lives (the Distributed Map's ItemReader reads it) and how many there are. */
  partitions: z.object({ key: z.string(), count: z.number().int() }),
  fraud: z.object({ action: z.enum(['retrain', 'score']), reason: z.string() }),
});
export type Plan = z.infer<typeof planSchema>;

export const uploadSchema = z.object({
  dataset: z.string(),
  key: z.string(),
  partition: partitionSchema.nullable(),
});
export type Upload = z.infer<typeof uploadSchema>;

/** What every analysis stage returns: where its results are, per Series, and a small summary. */
export const stageResultSchema = z.object({
  series: z.enum(['prices', 'forecast', 'fraud', 'model', 'mirror', 'gap']),
  /** Object-store locations (keys or prefixes) of what the stage wrote. */
  locations: z.array(z.string()),
  summary: z.record(z.string(), z.unknown()),
  /** Why the stage had nothing to do, when it had nothing to do. */
  skipped: z.string().optional(),
});
export type StageResult = z.infer<typeof stageResultSchema>;

/** Parses stage input; a mismatch is a ValidationError naming the stage and the fields. */
export function parseInput<T extends z.ZodType>(stage: string, schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`${stage}: invalid input: ${detail}`);
}
