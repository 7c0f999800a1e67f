import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The one pipeline definition: an Amazon States Language (JSONPath) file with `${Name}` placeholders.
 * CDK loads it with `DefinitionBody.fromFile(PIPELINE_ASL_PATH)` and `definitionSubstitutions`; the local runner
 * substitutes local ARNs and executes the very same states with aws-local-stepfunctions.
 */
export const PIPELINE_ASL_PATH = fileURLToPath(new URL('./pipeline.asl.json', import.meta.url));

/** Every Lambda a Task state invokes, with the entry file CDK bundles and the ports it needs. */
export const PIPELINE_FUNCTIONS = {
  PrepareRun: {
    entry: 'functions/pipeline-prepare-run/index.ts',
    summary: 'Validate a weekly run request, open the run record and plan the run',
    uses: ['store', 'query'],
  },
  PrepareUpload: {
    entry: 'functions/pipeline-prepare-upload/index.ts',
    summary: 'Parse a curated/ Object Created event and open the run record',
    uses: ['store'],
  },
  ScrapeSource: {
    entry: 'functions/pipeline-scrape-source/index.ts',
    summary: 'Crawl one price source of the administration',
    uses: ['store'],
  },
  IngestPriceObservations: {
    entry: 'functions/pipeline-ingest-price-observations/index.ts',
    summary: 'Turn the scraped observations into the prices dataset of the lake',
    uses: ['store'],
  },
  ForecastRevenue: {
    entry: 'functions/pipeline-forecast-revenue/index.ts',
    summary: 'Forecast monthly revenue from the lake',
    uses: ['store', 'query'],
  },
  TrainFraudModel: {
    entry: 'functions/pipeline-train-fraud-model/index.ts',
    summary: 'Retrain the fraud model on labelled declarations',
    uses: ['store', 'query'],
  },
  ScoreFraudPartition: {
    entry: 'functions/pipeline-score-fraud-partition/index.ts',
    summary: 'Score one partition of declarations with the current fraud model',
    uses: ['store', 'query'],
  },
  RefreshMirrorGap: {
    entry: 'functions/pipeline-refresh-mirror-gap/index.ts',
    summary: 'Refresh the mirror and revenue-gap tables of the administration',
    uses: ['store', 'query'],
  },
  PublishRun: {
    entry: 'functions/pipeline-publish-run/index.ts',
    summary: 'Mark a complete run publishable and queue it for the administration’s approval',
    uses: ['store'],
  },
  RecordFailure: {
    entry: 'functions/pipeline-record-failure/index.ts',
    summary: 'Write the failure report of a run and compose the alarm',
    uses: ['store'],
  },
} as const satisfies Record<string, { entry: string; summary: string; uses: readonly ('store' | 'query')[] }>;

export type PipelineFunction = keyof typeof PIPELINE_FUNCTIONS;

export const PIPELINE_FUNCTION_NAMES = Object.keys(PIPELINE_FUNCTIONS) as PipelineFunction[];

/** `${PrepareRunFunctionArn}` etc.: the Lambda ARN placeholder of each function. */
export function functionArnKey(fn: PipelineFunction): string {
  return `${fn}FunctionArn`;
}

/**
 * Every placeholder in the ASL file: one Lambda ARN per function, the SNS alarm topic (subscriptions are wired
 * in CDK), and the results bucket the Distributed Map's ItemReader reads the partition list from.
 */
export const PIPELINE_SUBSTITUTION_KEYS: readonly string[] = [
  ...PIPELINE_FUNCTION_NAMES.map(functionArnKey),
  'AlarmTopicArn',
  'ResultsBucket',
];

/** Service integrations (not Lambdas) the definition calls, by Task resource. */
export const SNS_PUBLISH_RESOURCE = 'arn:aws:states:::sns:publish';
export const S3_GET_OBJECT_RESOURCE = 'arn:aws:states:::s3:getObject';

// biome-ignore lint/suspicious/noExplicitAny: ASL is open-ended JSON; the validator checks its shape.
export type AslDefinition = { StartAt: string; States: Record<string, any>; [k: string]: unknown };

export function readPipelineAslText(): string {
  return readFileSync(PIPELINE_ASL_PATH, 'utf8');
}

/** Replaces `${Key}` placeholders (CDK definitionSubstitutions semantics); every key must be given. */
export function substitute(text: string, values: Record<string, string>): string {
  const missing = PIPELINE_SUBSTITUTION_KEYS.filter((k) => values[k] === undefined);
  if (missing.length) throw new Error(`missing pipeline substitutions: ${missing.join(', ')}`);
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in the pipeline definition`);
    // Values land inside JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
}

export function loadPipelineDefinition(values: Record<string, string>): AslDefinition {
  return JSON.parse(substitute(readPipelineAslText(), values)) as AslDefinition;
}

export interface TaskStateInfo {
  name: string;
  resource: string;
  /** The Lambda this Task invokes, when it invokes one of ours. */
  function?: PipelineFunction;
  /** Names of the enclosing Parallel/Map states, outermost first. */
  path: string[];
}

/** Every Task state, at any depth (Parallel branches, Map item processors). */
export function taskStates(definition: AslDefinition): TaskStateInfo[] {
  const out: TaskStateInfo[] = [];
  const placeholder = /^\$\{([A-Za-z0-9_]+)FunctionArn\}$/;
  const walk = (states: AslDefinition['States'], path: string[]) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const m = placeholder.exec(state.Resource);
        const fn =
          m && (PIPELINE_FUNCTION_NAMES as string[]).includes(m[1]) ? (m[1] as PipelineFunction) : undefined;
        out.push({ name, resource: state.Resource, function: fn, path });
      }
      for (const branch of state.Branches ?? []) walk(branch.States, [...path, name]);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) walk(processor.States, [...path, name]);
    }
  };
  walk(definition.States, []);
  return out;
}

/** Task state name → the pipeline function it invokes, read from the unsubstituted ASL file. */
export function taskStateFunctions(): Record<string, PipelineFunction> {
  const raw = JSON.parse(readPipelineAslText()) as AslDefinition;
  const map: Record<string, PipelineFunction> = {};
  for (const t of taskStates(raw)) if (t.function) map[t.name] = t.function;
  return map;
}
