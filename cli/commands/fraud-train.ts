import type { Declaration } from '../../shared/declarations/canonical.ts';
import { evaluateModel } from '../../shared/fraud/evaluate.ts';
import { DeclarationInputError, loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { trainFraudModel } from '../../shared/fraud/model.ts';
import { newModelVersion, saveModel } from '../../shared/fraud/model-store.ts';
import { type Command, listOpt, UsageError, UserError } from '../command.ts';
import { forestFlags, forestOptionsFrom } from './fraud-options.ts';
import { adminOpt, fileSha256, openFraudStore } from './fraud-store.ts';

/** Time-ordered holdout: the latest 20% of dates, when both parts have frauds and clean declarations. */
function timeHoldout(
  decls: readonly Declaration[],
): { fit: Declaration[]; holdout: Declaration[]; cut: string } | null {
  const labelled = decls.filter((d) => d.illicit !== null);
  if (labelled.length < 50) return null;
  const dates = labelled.map((d) => d.date).sort();
  const cut = dates[Math.floor(dates.length * 0.8)];
  const fit = labelled.filter((d) => d.date < cut);
  const holdout = labelled.filter((d) => d.date >= cut);
  const both = (xs: Declaration[]) => xs.some((d) => d.illicit === 1) && xs.some((d) => d.illicit === 0);
  return both(fit) && both(holdout) ? { fit, holdout, cut } : null;
}

export const fraudTrainCommand: Command = {
  name: 'fraud train',
  summary: "Train an administration's fraud model and store it as a new version (not promoted)",
  usage: '--data <csv>[,<csv>...] --admin ADMIN [--store DIR] [--skip-invalid] [--trees N] [--seed S]',
  options: {
    data: { type: 'string' },
    admin: { type: 'string' },
    store: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    ...forestFlags,
  },
  async run({ values, out, log }) {
    const files = listOpt(values, 'data');
    if (files.length === 0) throw new UsageError('--data is required');
    const admin = adminOpt(values);
    const forest = forestOptionsFrom(values);
    let loaded: Awaited<ReturnType<typeof loadDeclarationFiles>>;
    try {
      loaded = await loadDeclarationFiles(files, { skipInvalid: values['skip-invalid'] === true, log });
    } catch (err) {
      if (err instanceof DeclarationInputError) throw new UserError(err.message);
      throw err;
    }
    const store = await openFraudStore(values);
    const decls = loaded.declarations;
    try {
      let holdoutMetrics: Record<string, unknown> = {
        note: 'too little labelled data for a time-ordered holdout',
      };
      const split = timeHoldout(decls);
      if (split) {
        log(
          `holdout check: training on ${split.fit.length} rows before ${split.cut}, testing on ${split.holdout.length}`,
        );
        const m = await trainFraudModel(split.fit, { forest, onProgress: log });
        holdoutMetrics = {
          holdoutFrom: split.cut,
          fitRows: split.fit.length,
          ...evaluateModel(m, split.holdout),
        };
      }
      log(`training on all ${decls.length} declarations`);
      const t0 = performance.now();
      const model = await trainFraudModel(decls, { forest, onProgress: log });
      const trainSeconds = (performance.now() - t0) / 1000;
      const version = newModelVersion();
      const trainingData = [];
      for (const f of loaded.files)
        trainingData.push({ id: `sha256:${await fileSha256(f.path)}`, source: f.path, rows: f.rows });
      const prefix = await saveModel(store, admin, version, model, {
        metrics: { holdout: holdoutMetrics, trainSeconds },
        manifest: {
          trainingData,
          trainRows: model.profile.trainRows,
          featureNames: model.profile.featureNames,
          featureGroups: model.profile.groups,
          forestOptions: { ...model.forestOptions },
        },
      });
      log(`stored ${prefix}/ (promote it with: bacuda fraud promote --admin ${admin} --version ${version})`);
      out(
        JSON.stringify({
          admin,
          version,
          key: `${prefix}/`,
          trainRows: model.profile.trainRows,
          trainSeconds,
          promoted: false,
          holdout: holdoutMetrics,
        }),
      );
      return 0;
    } catch (err) {
      if (err instanceof RangeError) throw new UserError(err.message);
      throw err;
    }
  },
};
