import { trainAndEvaluate } from '../../shared/fraud/evaluate.ts';
import { DeclarationInputError, loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { type Command, listOpt, requireString, UsageError, UserError } from '../command.ts';
import { forestFlags, forestOptionsFrom } from './fraud-options.ts';

const KEY_ORDER = [
  'precision@1',
  'precision@2',
  'precision@5',
  'precision@10',
  'recall@1',
  'recall@2',
  'recall@5',
  'recall@10',
  'revenue@1',
  'revenue@2',
  'revenue@5',
  'revenue@10',
  'rocAuc',
  'prAuc',
  'trainSeconds',
  'trainRows',
  'testRows',
  'testPositives',
  'rankedBy',
  'warnings',
] as const;

export const fraudEvaluateCommand: Command = {
  name: 'fraud evaluate',
  summary:
    'Train a fraud random forest on some files and report precision/recall/revenue@k and AUC on another',
  usage: '--train <csv>[,<csv>...] --test <csv> [--json] [--skip-invalid] [--trees N] [--seed S]',
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    json: { type: 'boolean' },
    'skip-invalid': { type: 'boolean' },
    ...forestFlags,
  },
  async run({ values, out, log }) {
    const trainFiles = listOpt(values, 'train');
    if (trainFiles.length === 0) throw new UsageError('--train is required');
    const testFile = requireString(values, 'test');
    const forest = forestOptionsFrom(values);
    const skipInvalid = values['skip-invalid'] === true;
    let train: Awaited<ReturnType<typeof loadDeclarationFiles>>;
    let test: Awaited<ReturnType<typeof loadDeclarationFiles>>;
    try {
      log(`reading ${trainFiles.join(', ')}`);
      train = await loadDeclarationFiles(trainFiles, { skipInvalid, log });
      log(`reading ${testFile}`);
      test = await loadDeclarationFiles([testFile], { skipInvalid, log });
    } catch (err) {
      if (err instanceof DeclarationInputError) throw new UserError(err.message);
      throw err;
    }
    log(`training on ${train.declarations.length} declarations`);
    let result: Awaited<ReturnType<typeof trainAndEvaluate>>;
    try {
      result = await trainAndEvaluate(train.declarations, test.declarations, { forest, onProgress: log });
    } catch (err) {
      if (err instanceof RangeError) throw new UserError(err.message);
      throw err;
    }
    const e = result.evaluation;
    for (const w of e.warnings) log(`warning: ${w}`);
    const ordered = Object.fromEntries(KEY_ORDER.map((k) => [k, e[k]]));
    if (values.json) out(JSON.stringify(ordered));
    else {
      const pct = (v: number | null) => (v === null ? 'undefined' : `${(100 * v).toFixed(1)}%`);
      out(
        `trained on ${e.trainRows} rows in ${e.trainSeconds.toFixed(1)} s; tested on ${e.testRows} rows (${e.testPositives} frauds)`,
      );
      out('k%   precision  recall   revenue');
      for (const k of [1, 2, 5, 10] as const)
        out(
          `${String(k).padStart(2)}%   ${pct(e[`precision@${k}`]).padStart(8)}  ${pct(e[`recall@${k}`]).padStart(7)}  ${pct(e[`revenue@${k}`]).padStart(8)}`,
        );
      out(
        `ROC-AUC ${e.rocAuc === null ? 'undefined' : e.rocAuc.toFixed(3)}  PR-AUC ${e.prAuc === null ? 'undefined' : e.prAuc.toFixed(3)}`,
      );
    }
    return 0;
  },
};
