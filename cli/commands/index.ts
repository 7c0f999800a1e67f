import type { Command } from '../command.ts';
import { devTokenCommand } from './dev-token.ts';
import { forecastCommand } from './forecast.ts';
import { forecastEvaluateCommand } from './forecast-evaluate.ts';
import { fraudEvaluateCommand } from './fraud-evaluate.ts';
import { fraudPromoteCommand } from './fraud-promote.ts';
import { fraudScoreCommand } from './fraud-score.ts';
import { fraudTrainCommand } from './fraud-train.ts';
import { gapCommand } from './gap.ts';
import { generateCommand } from './generate.ts';
import { ingestCommand } from './ingest.ts';
import { mirrorCommand } from './mirror.ts';
import { pipelineRunCommand } from './pipeline-run.ts';
import { pricesCrawlCommand } from './prices-crawl.ts';
import { pricesExtractCommand } from './prices-extract.ts';
import { queryCommand } from './query.ts';
import { startCommand } from './start.ts';

/** Every CLI command. Add one import and one entry per command file. */
export const commands: Command[] = [
  startCommand,
  generateCommand,
  devTokenCommand,
  pricesExtractCommand,
  pricesCrawlCommand,
  mirrorCommand,
  gapCommand,
  ingestCommand,
  queryCommand,
  forecastCommand,
  forecastEvaluateCommand,
  pipelineRunCommand,
  fraudEvaluateCommand,
  fraudTrainCommand,
  fraudPromoteCommand,
  fraudScoreCommand,
];
