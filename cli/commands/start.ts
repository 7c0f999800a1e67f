import { DEMO_ADMINISTRATIONS, seedDemoUploads } from '../../local/demo-seed.ts';
import { runWeeklyPipelineLocally } from '../../local/pipeline-runner.ts';
import { startLocalPlatform } from '../../local/platform.ts';
import { DEFAULT_STORE_DIR, openStoreFolder, StoreFolderError } from '../../local/store-folder.ts';
import { lakeTables, makeLocalUploadHandler } from '../../local/wiring.ts';
import { type Command, intOpt, stringOpt, UserError } from '../command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the whole platform on this machine (API, portal, upload processing) with demo data',
  usage: '[--port 3000] [--store DIR] [--demo-rows N] [--no-demo] [--no-pipeline]',
  options: {
    port: { type: 'string' },
    store: { type: 'string' },
    'demo-rows': { type: 'string' },
    'no-demo': { type: 'boolean' },
    'no-pipeline': { type: 'boolean' },
  },
  async run({ values, log, out, signal }) {
    const port = intOpt(values, 'port', 3000, 0);
    if (port > 65535) throw new UserError('--port must be at most 65535');
    const demoRows = intOpt(values, 'demo-rows', 20_000, 100);
    let root: string;
    let created: boolean;
    try {
      ({ root, created } = await openStoreFolder(stringOpt(values, 'store') ?? DEFAULT_STORE_DIR));
    } catch (err) {
      if (err instanceof StoreFolderError) throw new UserError(err.message);
      throw err;
    }
    log(`bacuda: store ${root}${created ? ' (new)' : ''}`);
    let platform: Awaited<ReturnType<typeof startLocalPlatform>>;
    try {
      platform = await startLocalPlatform({
        root,
        port,
        log,
        lakeTables,
        makeUploadHandler: makeLocalUploadHandler,
        demoUsers: !values['no-demo'],
      });
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    log(`bacuda: API on ${platform.url} (GET ${platform.url}/health)`);
    if (created && !values['no-demo']) {
      log(`bacuda: first start: generating demo data for ${DEMO_ADMINISTRATIONS.join(' and ')}…`);
      await seedDemoUploads(root, demoRows, log);
    }
    await platform.watcher.idle();
    log('bacuda: uploads processed');
    log('');
    log(`  Portal:   ${platform.url}/portal/`);
    log(`  API:      ${platform.url}/v1/…  (OpenAPI at ${platform.url}/v1/openapi.json)`);
    log(`  Uploads:  drop files into ${root}/uploads/<ADMIN>/<dataset>/`);
    log(
      '  Log in:   npx bacuda dev-token --role official --admin XAA   (then send "Authorization: Bearer <token>")',
    );
    if (platform.demoUsers.length) {
      log(`  API docs: ${platform.url}/v1/docs`);
      log('  Portal demo accounts (username / password):');
      for (const u of platform.demoUsers)
        log(
          `    ${u.username.padEnd(14)} ${u.password.padEnd(14)} ${u.role}${u.administration ? ` of ${u.administration}` : ''}`,
        );
    }
    log('  Stop:     Ctrl-C');
    out(JSON.stringify({ status: 'ready', url: platform.url, store: root }));
    if (created && !values['no-demo'] && !values['no-pipeline']) {
      // The first start also runs the weekly pipeline once per demo administration, so the portal has
      // forecasts, fraud scores and preliminary results to approve. The API is already serving meanwhile.
      for (const admin of DEMO_ADMINISTRATIONS) {
        if (signal.aborted) break;
        log(`bacuda: running the weekly pipeline for ${admin}…`);
        try {
          const run = await runWeeklyPipelineLocally({ root, admin, log, signal });
          log(`bacuda: pipeline for ${admin}: ${run.status} (run ${run.runId})`);
        } catch (err) {
          log(`bacuda: pipeline for ${admin} could not run: ${(err as Error).message}`);
        }
      }
    }
    if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    log('bacuda: stopping…');
    await platform.stop();
    log('bacuda: stopped');
    return 0;
  },
};
