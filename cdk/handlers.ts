/**
 * The handler catalogue: one line per Lambda entry point. Adding a function is adding an entry here.
 *
 * Entries whose file does not exist yet are skipped at synth time with an info annotation (see
 * `wiredHandlers`), so the app deploys whatever has been built so far; docs/deploy.md lists which are wired.
 *
 * Pipeline tasks are referenced from the state machine ASL as `${<id>FunctionArn}` (e.g.
 * `${ScoreFraudPartitionFunctionArn}`); the pipeline construct substitutes the ARN and grants invoke.
 */
import {
  PIPELINE_FUNCTION_NAMES,
  PIPELINE_FUNCTIONS,
  type PipelineFunction,
} from '../shared/pipeline/definition.ts';
import type { LakeAccess } from './constructs/lake-grants.ts';

export type Trigger =
  /** S3 → EventBridge "Object Created" in the uploads bucket under `prefix` → async invoke (with DLQ). */
  | { kind: 'upload'; prefix: string }
  /** The API Gateway proxy integration under /v1. */
  | { kind: 'api' }
  /** A Task of a pipeline state machine (synchronous invoke by Step Functions). */
  | { kind: 'pipeline' }
  /** Cognito's pre-token-generation (V2) trigger of the user pool. */
  | { kind: 'pre-token' };

export interface HandlerSpec {
  /** PascalCase id: construct id, ASL substitution `${<id>FunctionArn}`, and POWERTOOLS_SERVICE_NAME. */
  id: string;
  /** Entry file relative to the repository root. */
  entry: string;
  description: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Reserved concurrency: caps a function that could otherwise starve the account or hammer Athena. */
  reservedConcurrency?: number;
  triggers: Trigger[];
  access: LakeAccess & {
    /** Starts and reads executions of the pipeline state machines (on-demand runs, run history). */
    pipeline?: boolean;
    /** Creates users in the Cognito user pool (access-request approval). */
    userAdmin?: boolean;
  };
}

/** Sizing and grants of each pipeline Task function beyond the defaults (shared/pipeline/definition.ts lists them). */
const PIPELINE_SIZING: Partial<Record<PipelineFunction, Partial<HandlerSpec>>> = {
  PrepareRun: { memoryMb: 512, timeoutSeconds: 120 },
  PrepareUpload: { memoryMb: 256, timeoutSeconds: 60 },
  ScrapeSource: { memoryMb: 512, timeoutSeconds: 600 },
  IngestPriceObservations: { memoryMb: 1024, timeoutSeconds: 300 },
  ForecastRevenue: { memoryMb: 1024, timeoutSeconds: 300 },
  // ml-random-forest training is CPU-bound; 3008 MB buys ~2 vCPUs.
  TrainFraudModel: { memoryMb: 3008, timeoutSeconds: 900 },
  ScoreFraudPartition: { memoryMb: 1769, timeoutSeconds: 600 },
  RefreshMirrorGap: { memoryMb: 1024, timeoutSeconds: 300 },
  PublishRun: { memoryMb: 256, timeoutSeconds: 60 },
  RecordFailure: { memoryMb: 256, timeoutSeconds: 60 },
};

/** Key areas a pipeline function writes besides the results bucket (its own outputs and run records). */
const PIPELINE_WRITES: Partial<Record<PipelineFunction, LakeAccess['write']>> = {
  // The crawler drops its observations CSV into uploads/<ADMIN>/prices/ like any other upload.
  ScrapeSource: ['uploads', 'results'],
  // Ingests those observations: curated Parquet, rejected rows in quarantine/, manifests and state.
  IngestPriceObservations: ['quarantine', 'curated', 'ingestRecords', 'results'],
};

/** Pipeline Tasks, derived from the pipeline's own list so a new Task is wired without editing this file. */
const pipelineHandlers: HandlerSpec[] = PIPELINE_FUNCTION_NAMES.map((name) => {
  const fn = PIPELINE_FUNCTIONS[name];
  const uses = fn.uses as readonly string[];
  return {
    id: name,
    entry: fn.entry,
    description: fn.summary,
    memoryMb: 512,
    timeoutSeconds: 300,
    triggers: [{ kind: 'pipeline' }],
    access: {
      read: uses.includes('store') ? ['uploads', 'curated', 'ingestRecords', 'results'] : [],
      write: uses.includes('store') ? (PIPELINE_WRITES[name] ?? ['results']) : [],
      athena: uses.includes('query'),
    },
    ...PIPELINE_SIZING[name],
  };
});

/** Every handler. Keep entries small; behaviour lives in functions/ and shared/. */
export const HANDLERS: readonly HandlerSpec[] = [
  {
    id: 'Ingest',
    entry: 'functions/ingest/index.ts',
    description: 'Validates, maps and pseudonymises an upload into curated Parquet',
    memoryMb: 2048,
    timeoutSeconds: 900,
    reservedConcurrency: 10,
    triggers: [{ kind: 'upload', prefix: 'uploads/' }],
    // Reads mappings and earlier manifests; never writes uploads/ (rejected rows go to quarantine/) and never
    // touches results/, models/ or access records.
    access: {
      read: ['uploads', 'ingestRecords'],
      write: ['quarantine', 'curated', 'ingestRecords'],
      pseudonymKeys: true,
    },
  },
  {
    id: 'Api',
    entry: 'functions/api/index.ts',
    description: 'REST API under /v1 (router, authorisation, approvals, presigned uploads)',
    memoryMb: 1024,
    timeoutSeconds: 29,
    reservedConcurrency: 50,
    triggers: [{ kind: 'api' }],
    access: {
      // Lists uploads/ (upload status); signs upload URLs for uploads/, which needs s3:PutObject there.
      read: ['uploads', 'curated', 'ingestRecords', 'results'],
      write: ['uploads', 'results'],
      athena: true,
      pipeline: true,
      userAdmin: true,
    },
  },
  {
    id: 'PreToken',
    entry: 'functions/pre-token/index.ts',
    description: "Adds the user's administration to Cognito access tokens",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [{ kind: 'pre-token' }],
    access: { read: [], write: [] },
  },
  ...pipelineHandlers,
];
