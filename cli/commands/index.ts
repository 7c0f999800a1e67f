import type { Command } from '../command.ts';
import { devTokenCommand } from './dev-token.ts';
import { forecastCommand } from './forecast.ts';
import { forecastEvaluateCommand } from './forecast-evaluate.ts';
import { gapCommand } from './gap.ts';
import { generateCommand } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { mirrorCommand } from './mirror.ts';
import { pipelineRunCommand } from './pipeline-run.ts';
import { pricesExtractCommand } from './prices-extract.ts';

/** Every CLI command. Add one import and one entry per command file. */
export const commands: Command[] = [
  generateCommand,
  devTokenCommand,
  pricesExtractCommand,
  mirrorCommand,
  gapCommand,
  ingestCommand,
  forecastCommand,
  forecastEvaluateCommand,
  pipelineRunCommand,
];
