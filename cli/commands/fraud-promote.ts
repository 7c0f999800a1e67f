import { ModelNotFoundError, promoteModel } from '../../shared/fraud/model-store.ts';
import { type Command, requireString, UsageError, UserError } from '../command.ts';
import { adminOpt, openFraudStore } from './fraud-store.ts';

export const fraudPromoteCommand: Command = {
  name: 'fraud promote',
  summary: "Make a stored fraud model version the administration's current model",
  usage: '--admin ADMIN --version VERSION [--store DIR]',
  options: { admin: { type: 'string' }, version: { type: 'string' }, store: { type: 'string' } },
  async run({ values, out, log }) {
    const admin = adminOpt(values);
    const version = requireString(values, 'version');
    const store = await openFraudStore(values);
    try {
      const { previous } = await promoteModel(store, admin, version, process.env.USER);
      log(`models/${admin}/current -> ${version}${previous ? ` (was ${previous})` : ''}`);
      out(JSON.stringify({ admin, version, previous }));
      return 0;
    } catch (err) {
      if (err instanceof ModelNotFoundError) throw new UserError(err.message);
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
  },
};
