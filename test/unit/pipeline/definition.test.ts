import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  functionArnKey,
  loadPipelineDefinition,
  PIPELINE_FUNCTION_NAMES,
  PIPELINE_SUBSTITUTION_KEYS,
  readPipelineAslText,
  S3_GET_OBJECT_RESOURCE,
  SNS_PUBLISH_RESOURCE,
  substitute,
  taskStateFunctions,
  taskStates,
} from '../../../shared/pipeline/definition.ts';
import { loadLocalPipelineDefinition, toInlineMaps } from '../../../shared/pipeline/local-definition.ts';

/** What CDK substitutes in the cloud (shape only; the real ARNs come from the stack). */
function cloudSubstitutions(): Record<string, string> {
  const values: Record<string, string> = {
    AlarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:bacuda-pipeline-alarms',
    ResultsBucket: 'bacuda-results-123456789012',
  };
  for (const fn of PIPELINE_FUNCTION_NAMES)
    values[functionArnKey(fn)] = `arn:aws:lambda:eu-west-1:123456789012:function:bacuda-${fn}`;
  return values;
}

function validate(definition: AslDefinition) {
  // asl-validator annotates the object it checks; give it a copy.
  return aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
}

function allStates(definition: AslDefinition): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  const walk = (states: AslDefinition['States']) => {
    for (const [name, s] of Object.entries(states)) {
      out.push([name, s]);
      for (const b of s.Branches ?? []) walk(b.States);
      if (s.ItemProcessor) walk(s.ItemProcessor.States);
    }
  };
  walk(definition.States);
  return out;
}

describe('pipeline definition (shared/pipeline/pipeline.asl.json)', () => {
  it('is valid ASL once CDK substitutes the placeholders', () => {
    const { isValid, errorsText } = validate(loadPipelineDefinition(cloudSubstitutions()));
    expect(errorsText('\n'), errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('is valid ASL as the local runner executes it (inline Maps)', () => {
    const { isValid, errorsText } = validate(loadLocalPipelineDefinition());
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses exactly the exported substitution keys, and refuses missing ones', () => {
    const used = new Set([...readPipelineAslText().matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...PIPELINE_SUBSTITUTION_KEYS].sort());
    const partial = cloudSubstitutions();
    delete partial.ResultsBucket;
    expect(() => substitute(readPipelineAslText(), partial)).toThrow(/ResultsBucket/);
  });

  it('maps every Task to one of our functions or to a service integration, and every function is used', () => {
    const raw = JSON.parse(readPipelineAslText()) as AslDefinition;
    for (const t of taskStates(raw))
      expect(t.function ?? t.resource, t.name).toMatch(/^[A-Z]|^arn:aws:states:::(sns:publish)$/);
    expect(new Set(Object.values(taskStateFunctions()))).toEqual(new Set(PIPELINE_FUNCTION_NAMES));
    expect(
      taskStates(raw)
        .filter((t) => !t.function)
        .map((t) => t.resource),
    ).toEqual([SNS_PUBLISH_RESOURCE]);
  });

  it('retries transient errors with backoff and never validation errors, on every Lambda Task', () => {
    const raw = JSON.parse(readPipelineAslText()) as AslDefinition;
    const lambdaTasks = allStates(raw).filter(
      ([, s]) => s.Type === 'Task' && String(s.Resource).startsWith('${'),
    );
    expect(lambdaTasks.length).toBeGreaterThanOrEqual(14);
    for (const [name, s] of lambdaTasks) {
      const retry = s.Retry as { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number }[];
      expect(retry[0], name).toEqual({ ErrorEquals: ['ValidationError'], MaxAttempts: 0 });
      const transient = retry.find((r) => r.ErrorEquals.includes('TransientError'));
      expect(transient?.ErrorEquals, name).toEqual(
        expect.arrayContaining([
          'States.Timeout',
          'Lambda.TooManyRequestsException',
          'Lambda.ServiceException',
        ]),
      );
      expect(transient?.BackoffRate, name).toBeGreaterThan(1);
      expect(
        retry.some((r) => r.ErrorEquals.includes('States.ALL')),
        name,
      ).toBe(false);
    }
  });

  it('catches every top-level stage into a failure report, an alarm and a failed run', () => {
    const raw = JSON.parse(readPipelineAslText()) as AslDefinition;
    const stages = Object.entries(raw.States).filter(
      ([name, s]) =>
        ['Task', 'Parallel', 'Map'].includes(s.Type) && !['RecordFailure', 'RaiseAlarm'].includes(name),
    );
    expect(stages.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        'PrepareRun',
        'CollectPricesAndForecast',
        'TrainFraudModel',
        'ScoreDeclarations',
        'PublishRun',
      ]),
    );
    for (const [name, s] of stages) {
      expect(s.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${name}Failed` },
      ]);
      expect(raw.States[`${name}Failed`]).toMatchObject({
        Type: 'Pass',
        Result: name,
        Next: 'RecordFailure',
      });
    }
    expect(raw.States.RecordFailure.Next).toBe('RaiseAlarm');
    expect(raw.States.RaiseAlarm.Resource).toBe(SNS_PUBLISH_RESOURCE);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL substitution placeholder, not a template
    expect(raw.States.RaiseAlarm.Parameters.TopicArn).toBe('${AlarmTopicArn}');
    expect(raw.States.RunFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error' });
  });

  it('runs the independent branches in parallel and fans out with Map (Distributed in the cloud)', () => {
    const raw = JSON.parse(readPipelineAslText()) as AslDefinition;
    const parallel = raw.States.CollectPricesAndForecast;
    expect(parallel.Type).toBe('Parallel');
    expect(parallel.Branches.map((b: AslDefinition) => b.StartAt)).toEqual([
      'ScrapePrices',
      'ForecastRevenue',
    ]);
    const map = raw.States.ScoreDeclarations;
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemReader).toMatchObject({
      Resource: S3_GET_OBJECT_RESOURCE,
      ReaderConfig: { InputType: 'JSON' },
    });
  });
});

describe('toInlineMaps (the documented local switch)', () => {
  it('turns the Distributed Map into an inline Map fed by a Task that reads the same items', () => {
    const local = toInlineMaps(loadPipelineDefinition(cloudSubstitutions()));
    const map = local.States.ScoreDeclarations;
    expect(map.ItemReader).toBeUndefined();
    expect(map.ToleratedFailurePercentage).toBeUndefined();
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(map.ItemsPath).toBe('$.itemReader.ScoreDeclarations');
    const reader = local.States.ScoreDeclarationsReadItems;
    expect(reader).toMatchObject({
      Type: 'Task',
      Resource: S3_GET_OBJECT_RESOURCE,
      Next: 'ScoreDeclarations',
    });
    expect(reader.Parameters).toEqual({
      Bucket: 'bacuda-results-123456789012',
      'Key.$': '$.plan.partitions.key',
    });
    // Every way into the Map now goes through the reader.
    expect(local.States.TrainFraudModel.Next).toBe('ScoreDeclarationsReadItems');
    expect(local.States.RetrainOrScore.Default).toBe('ScoreDeclarationsReadItems');
    // Item processing, selection and error handling are untouched.
    const cloud = loadPipelineDefinition(cloudSubstitutions()).States.ScoreDeclarations;
    expect(map.ItemProcessor.States).toEqual(cloud.ItemProcessor.States);
    expect(map.ItemSelector).toEqual(cloud.ItemSelector);
    expect(map.Catch).toEqual(cloud.Catch);
  });

  it('does not change the definition it is given', () => {
    const cloud = loadPipelineDefinition(cloudSubstitutions());
    const before = JSON.stringify(cloud);
    toInlineMaps(cloud);
    expect(JSON.stringify(cloud)).toBe(before);
  });
});
