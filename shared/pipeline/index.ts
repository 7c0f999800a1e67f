/**
 * The pipeline (Step Functions) module. For CDK:
 *   - PIPELINE_ASL_PATH: the one ASL file → `DefinitionBody.fromFile(PIPELINE_ASL_PATH)`
 *   - PIPELINE_SUBSTITUTION_KEYS → `definitionSubstitutions` (every key must be given)
 *   - PIPELINE_FUNCTIONS: each Lambda's entry file and the ports it uses (store: S3 read/write on the data
 *     bucket; query: Athena + Glue + the results bucket), keyed by the name in `${<Name>FunctionArn}`
 *   - taskStateFunctions(): Task state name → function, to grant the state machine lambda:InvokeFunction
 * See docs/pipeline.md.
 */
export * from './contracts.ts';
export * from './definition.ts';
export * from './errors.ts';
export {
  loadLocalPipelineDefinition,
  localFunctionArn,
  localSubstitutions,
  toInlineMaps,
} from './local-definition.ts';
export * from './runs.ts';
export { type PipelineDeps, runStage } from './stage.ts';
export { STAGES, type StageFn } from './stages/index.ts';
