import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_ADMINISTRATIONS } from '../../local/demo-seed.ts';
import { runWeeklyPipelineLocally, seedPipelineDemo } from '../../local/pipeline-runner.ts';
import { DEFAULT_STORE_DIR, openStoreFolder, StoreFolderError } from '../../local/store-folder.ts';
import { isAdministrationCode } from '../../shared/identity/principal.ts';
import { RUN_ID } from '../../shared/pipeline/contracts.ts';
import { type Command, intOpt, stringOpt, UsageError, UserError } from '../command.ts';

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

export const pipelineRunCommand: Command = {
  name: 'pipeline run',
  summary:
    'Run the weekly pipeline (scrape → forecast → fraud → publish) locally with the Step Functions definition',
  usage: '[--admin ADMIN] [--store DIR] [--demo] [--demo-rows N] [--redrive RUN_ID] [--retrain]',
  options: {
    admin: { type: 'string' },
    store: { type: 'string' },
    demo: { type: 'boolean' },
    'demo-rows': { type: 'string' },
    redrive: { type: 'string' },
    retrain: { type: 'boolean' },
  },
  async run({ values, out, log, signal }) {
    const admin = stringOpt(values, 'admin') ?? DEMO_ADMINISTRATIONS[0];
    if (!isAdministrationCode(admin))
      throw new UsageError(`--admin must be an administration code (2-8 capital letters), got "${admin}"`);
    const redrive = stringOpt(values, 'redrive');
    if (redrive !== undefined && !RUN_ID.test(redrive))
      throw new UsageError('--redrive takes a run id (letters, digits, "-" and "_")');
    const demo = values.demo === true;
    if (demo && redrive) throw new UsageError('--demo starts a fresh store, so there is no run to re-drive');
    const demoRows = intOpt(values, 'demo-rows', 3000, 100);

    let dir = stringOpt(values, 'store');
    if (demo) {
      if (dir === undefined) dir = await mkdtemp(join(tmpdir(), 'bacuda-pipeline-demo-'));
      else if (!(await isEmptyOrMissing(resolve(dir))))
        throw new UserError(`--demo fills a fresh store, but ${resolve(dir)} is not empty`);
    }
    let root: string;
    try {
      ({ root } = await openStoreFolder(dir ?? DEFAULT_STORE_DIR));
    } catch (err) {
      if (err instanceof StoreFolderError) throw new UserError(err.message);
      throw err;
    }
    log(`pipeline: store ${root}`);
    if (demo) {
      const admins = DEMO_ADMINISTRATIONS.includes(admin as never) ? DEMO_ADMINISTRATIONS : [admin];
      log(`pipeline: generating and ingesting demo data for ${admins.join(' and ')}…`);
      await seedPipelineDemo({ root, admins, rowsPerAdmin: demoRows, log });
    }
    const result = await runWeeklyPipelineLocally({
      root,
      admin,
      log,
      runId: redrive,
      forceRetrain: values.retrain === true,
      signal,
    });
    if (result.error)
      log(`pipeline: run ${result.runId} FAILED: ${result.error.Error}: ${result.error.Cause}`);
    else log(`pipeline: run ${result.runId} SUCCEEDED; results await approval by ${admin}`);
    out(
      JSON.stringify({
        status: result.status,
        runId: result.runId,
        administration: admin,
        states: result.states,
        outputs: result.outputs,
        store: root,
        ...(result.error ? { error: result.error } : {}),
      }),
    );
    return result.status === 'SUCCEEDED' ? 0 : 1;
  },
};
