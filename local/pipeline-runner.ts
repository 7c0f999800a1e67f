import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { makeStageHandler } from '../functions/pipeline-common/make-stage-handler.ts';
import { DuckDbBulkLoader } from '../shared/adapters/duckdb-bulk-loader.ts';
import { DuckDbQueryEngine } from '../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../shared/adapters/fs-object-store.ts';
import { writeDemoFile } from '../shared/demo/write-demo-file.ts';
import { localLakeTables } from '../shared/ingest/datasets.ts';
import { ingestUpload } from '../shared/ingest/ingest.ts';
import { LocalKeyStore } from '../shared/ingest/local-key-store.ts';
import { fileBytes } from '../shared/ingest/source.ts';
import {
  type AslDefinition,
  type PipelineFunction,
  S3_GET_OBJECT_RESOURCE,
  SNS_PUBLISH_RESOURCE,
  taskStates,
} from '../shared/pipeline/definition.ts';
import { functionOfLocalArn, loadLocalPipelineDefinition } from '../shared/pipeline/local-definition.ts';
import { alarmKey, readRun } from '../shared/pipeline/runs.ts';
import type { PipelineDeps } from '../shared/pipeline/stage.ts';
import { demoFilePlan } from './demo-seed.ts';

type Json = Parameters<StateMachine['run']>[0];
/** aws-local-stepfunctions does not export its event type; this is it, taken from run()'s return type. */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type LocalTaskHandler = (input: unknown) => Promise<unknown>;

export interface LocalRunOptions {
  deps: PipelineDeps;
  /** The execution input: a weekly run request or an EventBridge "Object Created" event. */
  input: unknown;
  /** The execution name (the run id of a new run); minted when omitted. */
  executionName?: string;
  /** State-by-state progress (stderr in the CLI). */
  log?: (line: string) => void;
  /** Wraps each pipeline function's handler: fault injection in tests. */
  wrap?: (fn: PipelineFunction, handler: LocalTaskHandler) => LocalTaskHandler;
  /** Overrides every Retry pause (milliseconds); the definition's backoff is used when omitted. */
  retryIntervalMs?: number;
  signal?: AbortSignal;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  runId: string;
  administration: string | null;
  /** State names in the order they were first entered (Map iterations and retries appear once). */
  states: string[];
  /** Result locations per Series, from the run record. */
  outputs: Record<string, string[]>;
  error?: { Error: string; Cause: string };
  /** Every execution event, for tests and debugging. */
  events: EventLog[];
}

/** Execution names are sortable by start time, like the ids EventBridge Scheduler runs get in the cloud. */
export function mintExecutionName(now: Date, kind = 'run'): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The local stand-ins for the service integrations the definition calls besides our Lambdas:
 * - sns:publish (the alarm) writes alarms/<ADMIN>/<run-id>.json to the store and logs the subject;
 * - s3:getObject (the Distributed Map's ItemReader, made a Task by toInlineMaps) reads and parses the JSON items.
 */
function serviceHandlers(deps: PipelineDeps, log: (line: string) => void): Record<string, LocalTaskHandler> {
  return {
    [SNS_PUBLISH_RESOURCE]: async (input) => {
      const { Subject, Message } = input as { Subject?: string; Message: string };
      let report: { administration?: string | null; runId?: string } = {};
      try {
        report = JSON.parse(Message);
      } catch {
        // A plain-text message is stored as is.
      }
      const key = alarmKey(report.administration ?? '_unknown', report.runId ?? 'unknown');
      await deps.store.put(key, JSON.stringify({ subject: Subject ?? null, message: Message }, null, 2), {
        contentType: 'application/json',
      });
      log(`ALARM ${Subject ?? ''} (${key})`);
      return { MessageId: key };
    },
    [S3_GET_OBJECT_RESOURCE]: async (input) => {
      const { Key } = input as { Bucket: string; Key: string };
      return JSON.parse(await deps.store.getText(Key));
    },
  };
}

/** Task state name → the local function it runs: the same handler the Lambda of its Resource runs in the cloud. */
function localTaskHandlers(
  definition: AslDefinition,
  deps: PipelineDeps,
  options: Pick<LocalRunOptions, 'wrap'>,
  log: (line: string) => void,
): Record<string, LocalTaskHandler> {
  const services = serviceHandlers(deps, log);
  const byFunction = new Map<PipelineFunction, LocalTaskHandler>();
  const handlers: Record<string, LocalTaskHandler> = {};
  for (const task of taskStates(definition)) {
    const fn = functionOfLocalArn(task.resource);
    if (fn) {
      if (!byFunction.has(fn)) {
        const lambda = makeStageHandler(fn, deps);
        const invoke: LocalTaskHandler = (input) => lambda(input, {} as Context);
        byFunction.set(fn, options.wrap ? options.wrap(fn, invoke) : invoke);
      }
      handlers[task.name] = byFunction.get(fn)!;
    } else if (services[task.resource]) {
      handlers[task.name] = services[task.resource];
    } else {
      throw new Error(`Task ${task.name}: no local handler for resource ${task.resource}`);
    }
  }
  return handlers;
}

function retryableStates(definition: AslDefinition): string[] {
  const names: string[] = [];
  const walk = (states: AslDefinition['States']) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Retry) names.push(name);
      for (const b of state.Branches ?? []) walk(b.States);
      const p = state.ItemProcessor ?? state.Iterator;
      if (p) walk(p.States);
    }
  };
  walk(definition.States);
  return names;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Executes the pipeline definition (shared/pipeline/pipeline.asl.json, local ARNs, Distributed Maps made inline) with
 * aws-local-stepfunctions, each Task running the handler its Lambda runs in the cloud. Logs each state as it starts
 * and ends, retries and catches, with elapsed time.
 */
export async function runPipelineLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const { deps } = options;
  const log = options.log ?? (() => {});
  const definition = loadLocalPipelineDefinition();
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const startTime = deps.now();
  const name = options.executionName ?? mintExecutionName(startTime);
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(retryableStates(definition).map((s) => [s, options.retryIntervalMs as number]));
  const execution = machine.run(options.input as Json, {
    overrides: {
      taskResourceLocalHandlers: localTaskHandlers(definition, deps, options, log) as never,
      retryIntervalOverrides,
    },
    context: {
      Execution: {
        Id: `arn:aws:states:local:000000000000:execution:bacuda-pipeline:${name}`,
        Name: name,
        Input: options.input as Json,
        StartTime: startTime.toISOString(),
      },
      StateMachine: {
        Id: 'arn:aws:states:local:000000000000:stateMachine:bacuda-pipeline',
        Name: 'bacuda-pipeline',
      },
    },
  });
  const onAbort = () => execution.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const events: EventLog[] = [];
  const states: string[] = [];
  const entered = new Map<string, number>();
  let tasksDone = 0;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const label = (e: { state: { name: string }; index?: number }) =>
    e.index === undefined ? e.state.name : `${e.state.name}[${e.index}]`;
  const logging = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      switch (event.type) {
        case 'ExecutionStarted':
          log(`pipeline: execution ${name} started`);
          break;
        case 'StateEntered':
          if (!states.includes(event.state.name)) states.push(event.state.name);
          entered.set(label(event), event.timestamp);
          log(`[${elapsed()}] ▶ ${label(event)} (${event.state.type})`);
          break;
        case 'StateExited': {
          const started = entered.get(label(event)) ?? event.timestamp;
          if (event.state.type === 'Task') tasksDone++;
          log(
            `[${elapsed()}] ✓ ${label(event)} ${((event.timestamp - started) / 1000).toFixed(2)}s (${tasksDone} task(s) done)`,
          );
          break;
        }
        case 'StateFailed':
          log(`[${elapsed()}] ✗ ${label(event)} ${event.Error}: ${describe(event.Cause)}`);
          break;
        case 'StateRetried':
          log(
            `[${elapsed()}] ↻ ${label(event)} retry ${event.retry.attempt} (${event.retry.retrier.ErrorEquals.join(', ')})`,
          );
          break;
        case 'StateCaught':
          log(`[${elapsed()}] ⤷ ${label(event)} caught → ${event.catch.catcher.Next}`);
          break;
        case 'MapIterationFailed':
        case 'ParallelBranchFailed':
          log(
            `[${elapsed()}] ✗ ${event.parentState.name} ${event.type === 'MapIterationFailed' ? `item ${event.index}` : 'branch'} failed: ${event.Error}`,
          );
          break;
        case 'ExecutionSucceeded':
          log(`[${elapsed()}] pipeline: SUCCEEDED`);
          break;
        case 'ExecutionFailed':
          log(`[${elapsed()}] pipeline: FAILED ${event.Error}: ${describe(event.Cause)}`);
          break;
        case 'ExecutionAborted':
          log(`[${elapsed()}] pipeline: aborted`);
          break;
      }
    }
  })();

  let output: unknown;
  let error: LocalRunResult['error'];
  try {
    output = await execution.result;
  } catch (err) {
    if (!(err instanceof ExecutionError) && !(err instanceof Error && err.name === 'ExecutionAbortedError'))
      throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  await logging;
  const failed = events.find((e) => e.type === 'ExecutionFailed');
  if (failed) error = { Error: failed.Error, Cause: String(failed.Cause ?? '') };
  else if (output === undefined) error = { Error: 'ExecutionAborted', Cause: 'the execution was aborted' };

  const { administration, runId } = identifyRun(output, events, name);
  const record = administration ? await readRun(deps.store, administration, runId) : undefined;
  return {
    status: error ? 'FAILED' : 'SUCCEEDED',
    runId,
    administration,
    states,
    outputs: record?.outputs ?? {},
    ...(error ? { error } : {}),
    events,
  };
}

/** The run a finished execution was about: from PrepareRun/PrepareUpload's output, or the request itself. */
function identifyRun(
  output: unknown,
  events: EventLog[],
  executionName: string,
): { administration: string | null; runId: string } {
  for (const e of events) {
    if (e.type === 'StateExited' && (e.state.name === 'PrepareRun' || e.state.name === 'PrepareUpload')) {
      const run = (e.state.output as { run?: { administration: string; runId: string } })?.run;
      if (run) return { administration: run.administration, runId: run.runId };
    }
  }
  const started = events.find((e) => e.type === 'ExecutionStarted');
  const input = (started && 'input' in started ? started.input : output) as {
    administration?: unknown;
    runId?: unknown;
  } | null;
  return {
    administration: typeof input?.administration === 'string' ? input.administration : null,
    runId: typeof input?.runId === 'string' ? input.runId : executionName,
  };
}

/**
 * One weekly run of an administration on a local store folder: what `npm start` calls once on its demo data and
 * `bacuda pipeline run` calls for the CLI.
 */
export async function runWeeklyPipelineLocally(options: {
  root: string;
  admin: string;
  log?: (line: string) => void;
  runId?: string;
  forceRetrain?: boolean;
  signal?: AbortSignal;
}): Promise<LocalRunResult> {
  const query = new DuckDbQueryEngine(localLakeTables(options.root));
  try {
    return await runPipelineLocally({
      deps: { store: new FsObjectStore(options.root), query, now: () => new Date(), log: options.log },
      input: {
        administration: options.admin,
        trigger: 'on-demand',
        ...(options.runId ? { runId: options.runId } : {}),
        ...(options.forceRetrain ? { forceRetrain: true } : {}),
      },
      log: options.log,
      signal: options.signal,
    });
  } finally {
    await query.close();
  }
}

/**
 * Fills a store with demo data for the pipeline: for each administration, two years of generated WCO-format
 * declarations, ingested exactly as an upload is (validated, pseudonymised, partitioned Parquet + manifest).
 * Two years, because the revenue forecast needs two full seasons.
 */
export async function seedPipelineDemo(options: {
  root: string;
  admins: readonly string[];
  rowsPerAdmin: number;
  log?: (line: string) => void;
}): Promise<void> {
  const log = options.log ?? (() => {});
  const store = new FsObjectStore(options.root);
  const keys = new LocalKeyStore(options.root);
  const tmp = await mkdtemp(join(tmpdir(), 'bacuda-demo-'));
  try {
    for (const file of demoFilePlan(options.admins, options.rowsPerAdmin)) {
      const path = join(tmp, `${file.admin}-${file.fileName}`);
      await writeDemoFile(path, { rows: file.rows, seed: file.seed, year: file.year, firstId: file.firstId });
      const manifest = await ingestUpload(
        { store, keys, log: () => {}, bulk: new DuckDbBulkLoader() },
        {
          admin: file.admin,
          dataset: 'declarations',
          fileName: file.fileName,
          open: async () => fileBytes(path),
          localPath: path,
        },
      );
      log(`demo: ${file.admin} ${file.year}: ${manifest.rowsAccepted} declarations ingested`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
