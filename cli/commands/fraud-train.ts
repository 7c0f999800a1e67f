import { DeclarationInputError, loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { newModelVersion, saveModel } from '../../shared/fraud/model-store.ts';
import { trainModelVersion } from '../../shared/fraud-training/train-version.ts';
import { type Command, listOpt, UsageError, UserError } from '../command.ts';
import { forestFlags, forestOptionsFrom } from './fraud-options.ts';
import { adminOpt, fileSha256, openFraudStore } from './fraud-store.ts';

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
      const trainingData = [];
      for (const f of loaded.files)
        trainingData.push({ id: `sha256:${await fileSha256(f.path)}`, source: f.path, rows: f.rows });
      const { model, extra, holdout, trainSeconds } = await trainModelVersion(decls, trainingData, {
        forest,
        log,
      });
      const version = newModelVersion();
      const prefix = await saveModel(store, admin, version, model, extra);
      log(`stored ${prefix}/ (promote it with: bacuda fraud promote --admin ${admin} --version ${version})`);
      out(
        JSON.stringify({
          admin,
          version,
          key: `${prefix}/`,
          trainRows: model.profile.trainRows,
          trainSeconds,
          promoted: false,
          holdout,
        }),
      );
      return 0;
    } catch (err) {
      if (err instanceof RangeError) throw new UserError(err.message);
      throw err;
    }
  },
};
