import {
  type AslDefinition,
  functionArnKey,
  loadPipelineDefinition,
  PIPELINE_FUNCTION_NAMES,
  type PipelineFunction,
  S3_GET_OBJECT_RESOURCE,
} from './definition.ts';

/** The account and region the local definition's ARNs name; nothing calls AWS locally. */
const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'local';
/** Locally one folder holds every key, so the results bucket is just a name the runner ignores. */
export const LOCAL_RESULTS_BUCKET = 'local-store';

export function localFunctionArn(fn: PipelineFunction): string {
  const kebab = fn.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:bacuda-pipeline-${kebab}`;
}

/** What the local runner substitutes for the placeholders CDK fills in the cloud. */
export function localSubstitutions(): Record<string, string> {
  const values: Record<string, string> = {
    AlarmTopicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:bacuda-pipeline-alarms`,
    ResultsBucket: LOCAL_RESULTS_BUCKET,
  };
  for (const fn of PIPELINE_FUNCTION_NAMES) values[functionArnKey(fn)] = localFunctionArn(fn);
  return values;
}

export function functionOfLocalArn(arn: string): PipelineFunction | undefined {
  return PIPELINE_FUNCTION_NAMES.find((fn) => localFunctionArn(fn) === arn);
}

/** Name of the Task state that stands in for a Distributed Map's ItemReader locally. */
export function itemReaderStateName(mapState: string): string {
  return `${mapState}ReadItems`;
}

/**
 * The documented local switch: aws-local-stepfunctions has no Distributed Map, ItemReader or ResultWriter, so every
 * Distributed Map becomes the inline Map equivalent. Its ItemReader becomes a Task state just before the Map that
 * calls the same S3 GetObject resource with the same Parameters (the local runner serves it from the store) and puts
 * the parsed items at `$.itemReader.<Map>`, where the inline Map's ItemsPath points. Everything else (ItemSelector,
 * the item processor's states, Retry/Catch, ResultPath, Next) is left exactly as written.
 *
 * Applied to a copy; the input definition is not changed.
 */
export function toInlineMaps(definition: AslDefinition): AslDefinition {
  const copy = structuredClone(definition) as AslDefinition;
  const rewrite = (container: Pick<AslDefinition, 'StartAt' | 'States'>) => {
    const states = container.States;
    for (const name of Object.keys(states)) {
      const state = states[name];
      for (const branch of state.Branches ?? []) rewrite(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) rewrite(processor);
      if (state.Type !== 'Map' || processor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') continue;
      if (state.ItemReader) {
        const reader = state.ItemReader;
        if (reader.Resource !== S3_GET_OBJECT_RESOURCE || reader.ReaderConfig?.InputType !== 'JSON')
          throw new Error(`Map ${name}: only the JSON s3:getObject ItemReader has a local equivalent`);
        const readerName = itemReaderStateName(name);
        if (states[readerName]) throw new Error(`state ${readerName} already exists`);
        states[readerName] = {
          Type: 'Task',
          Comment: `Local stand-in for the ItemReader of Distributed Map ${name}`,
          Resource: S3_GET_OBJECT_RESOURCE,
          Parameters: reader.Parameters,
          ResultPath: `$.itemReader.${name}`,
          Next: name,
          ...(state.Catch ? { Catch: state.Catch } : {}),
        };
        redirect(container, name, readerName);
        state.ItemsPath = `$.itemReader.${name}`;
        delete state.ItemReader;
      }
      for (const key of [
        'ResultWriter',
        'ItemBatcher',
        'ToleratedFailurePercentage',
        'ToleratedFailureCount',
        'Label',
      ])
        delete state[key];
      processor.ProcessorConfig = { Mode: 'INLINE' };
    }
  };
  rewrite(copy);
  return copy;
}

/** Points every transition into `from` (within one States object) at `to`, StartAt included. */
function redirect(container: Pick<AslDefinition, 'StartAt' | 'States'>, from: string, to: string): void {
  if (container.StartAt === from) container.StartAt = to;
  for (const [name, state] of Object.entries(container.States)) {
    if (name === to) continue;
    if (state.Next === from) state.Next = to;
    if (state.Default === from) state.Default = to;
    for (const c of state.Choices ?? []) if (c.Next === from) c.Next = to;
    for (const c of state.Catch ?? []) if (c.Next === from) c.Next = to;
  }
}

/** The pipeline definition as the local runner executes it: local ARNs, inline Maps. */
export function loadLocalPipelineDefinition(): AslDefinition {
  return toInlineMaps(loadPipelineDefinition(localSubstitutions()));
}
