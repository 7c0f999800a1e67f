/**
 * The pipeline state machines. Each definition is an ASL file with `${Name}` placeholders, filled by CDK
 * through DefinitionSubstitutions, so the same file runs locally (aws-local-stepfunctions) and in the cloud.
 *
 * Placeholders available to every definition: ${EnvName}, ${ResultsBucket} (where run plans and partition
 * lists live, for a Distributed Map's ItemReader), ${AlarmTopicArn}, and
 * ${<HandlerId>FunctionArn} for every wired handler of cdk/handlers.ts (e.g. ${ScoreFraudPartitionFunctionArn}).
 * The first existing file of `asl` is used; `placeholder` (clearly named, does nothing) otherwise.
 */
export interface PipelineSpec {
  /** PascalCase id; the state machine is named bacuda-<env>-<kebab id>. */
  id: string;
  asl: string[];
  placeholder: string;
  /** Run weekly per administration through EventBridge Scheduler with {administration, trigger: 'schedule'}. */
  weekly?: boolean;
  /** Start with the raw EventBridge event on S3 "Object Created" in the curated bucket under this prefix. */
  onObjectCreated?: string;
}

export const PIPELINES: readonly PipelineSpec[] = [
  {
    // One definition serves both the weekly run and the upload chain (it routes on the input's `source`).
    id: 'Pipeline',
    asl: ['shared/pipeline/pipeline.asl.json'],
    placeholder: 'cdk/pipeline/placeholder-weekly.asl.json',
    weekly: true,
    onObjectCreated: 'curated/',
  },
];
