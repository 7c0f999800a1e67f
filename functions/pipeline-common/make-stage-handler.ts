import middy from '@middy/core';
import type { PipelineFunction } from '../../shared/pipeline/definition.ts';
import type { PipelineDeps } from '../../shared/pipeline/stage.ts';
import { STAGES } from '../../shared/pipeline/stages/index.ts';

/**
 * A Step Functions Task handler: the state's input in, the stage's result out. Errors propagate with their name
 * (TransientError / ValidationError / ...), which is what the definition's Retry and Catch fields match on.
 */
export function makeStageHandler(fn: PipelineFunction, deps: PipelineDeps) {
  const stage = STAGES[fn];
  return middy<unknown, unknown>().handler((event) => stage(deps, event));
}
