import { writeFile } from 'node:fs/promises';
import { batchCsv, scoreBatch } from '../../shared/fraud/batch.ts';
import { DeclarationInputError, loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { FraudScorer } from '../../shared/fraud/model.ts';
import { loadCurrentModel, loadModel, ModelNotFoundError } from '../../shared/fraud/model-store.ts';
import { type Command, listOpt, stringOpt, UsageError, UserError } from '../command.ts';
import { adminOpt, openFraudStore } from './fraud-store.ts';

function numberOpt(raw: string | undefined, name: string, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new UsageError(`--${name} must be a number in [${lo}, ${hi}]`);
  return v;
}

export const fraudScoreCommand: Command = {
  name: 'fraud score',
  summary: "Score declarations with the administration's current fraud model and pick the k% inspection list",
  usage:
    '--admin ADMIN --data <csv> [--out FILE] [--version V] [--k PERCENT] [--exploration SHARE] [--store DIR]',
  options: {
    admin: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    version: { type: 'string' },
    k: { type: 'string' },
    exploration: { type: 'string' },
    store: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
  },
  async run({ values, out, log }) {
    const admin = adminOpt(values);
    const files = listOpt(values, 'data');
    if (files.length === 0) throw new UsageError('--data is required');
    const kPercent = numberOpt(stringOpt(values, 'k'), 'k', 5, 0.01, 100);
    const exploration = numberOpt(stringOpt(values, 'exploration'), 'exploration', 0.1, 0, 1);
    const store = await openFraudStore(values);
    let version = stringOpt(values, 'version');
    let scorer: FraudScorer;
    try {
      if (version) scorer = new FraudScorer(await loadModel(store, admin, version));
      else {
        const current = await loadCurrentModel(store, admin);
        version = current.version;
        scorer = new FraudScorer(current.model);
      }
    } catch (err) {
      if (err instanceof ModelNotFoundError) throw new UserError(err.message);
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    let decls: Awaited<ReturnType<typeof loadDeclarationFiles>>['declarations'];
    try {
      decls = (await loadDeclarationFiles(files, { skipInvalid: values['skip-invalid'] === true, log }))
        .declarations;
    } catch (err) {
      if (err instanceof DeclarationInputError) throw new UserError(err.message);
      throw err;
    }
    const t0 = performance.now();
    const result = await scoreBatch(scorer, decls, { kPercent, exploration });
    const seconds = (performance.now() - t0) / 1000;
    const csv = batchCsv(result.rows);
    const outFile = stringOpt(values, 'out');
    const summary = {
      admin,
      version,
      rows: result.rows.length,
      selected: result.selected,
      kPercent,
      exploration,
      seconds,
      out: outFile ?? null,
    };
    if (outFile) {
      await writeFile(outFile, csv);
      log(`wrote ${result.rows.length} scores to ${outFile} (${result.selected} selected for inspection)`);
      out(JSON.stringify(summary));
    } else {
      out(csv.trimEnd());
      log(JSON.stringify(summary));
    }
    return 0;
  },
};
