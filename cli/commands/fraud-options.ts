import type { ForestOptions } from '../../shared/fraud/forest/forest-options.ts';
import { type CommandOptions, intOpt, type ParsedValues } from '../command.ts';

/** Forest flags shared by the fraud commands that train. */
export const forestFlags: CommandOptions = {
  trees: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
};

export function forestOptionsFrom(values: ParsedValues): Partial<ForestOptions> {
  const o: Partial<ForestOptions> = {};
  if (values.trees !== undefined) o.nEstimators = intOpt(values, 'trees', 100, 1);
  if (values.seed !== undefined) o.seed = intOpt(values, 'seed', 42, 0);
  if (values.workers !== undefined) o.workers = intOpt(values, 'workers', 2, 0);
  return o;
}
