import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bacuda-pipeline-cli-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), log: (s) => err.push(s) });
  return { code, out, err: err.join('\n') };
}

describe('bacuda pipeline run', () => {
  it('exits 1 with a clear error and a FAILED JSON line for an unknown administration', async () => {
    const { code, out, err } = await cli(['pipeline', 'run', '--admin', 'XZZ', '--store', root]);
    expect(code).toBe(1);
    const last = JSON.parse(out.at(-1)!);
    expect(last).toMatchObject({ status: 'FAILED', administration: 'XZZ', outputs: {} });
    expect(last.states).toEqual([
      'Route',
      'PrepareRun',
      'PrepareRunFailed',
      'RecordFailure',
      'RaiseAlarm',
      'RunFailed',
    ]);
    expect(last.runId).toMatch(/^run-/);
    expect(err).toMatch(/unknown administration "XZZ"/);
    expect(err).toMatch(/▶ PrepareRun/);
  });

  it('exits 0 with SUCCEEDED for a known administration (nothing curated yet)', async () => {
    await cli(['pipeline', 'run', '--admin', 'XZZ', '--store', root]); // creates the store marker
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'manifests', 'XAA', 'declarations'), { recursive: true });
    await writeFile(join(root, 'manifests', 'XAA', 'declarations', 'u.json'), '{}');
    const { code, out } = await cli(['pipeline', 'run', '--store', root]);
    expect(code).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ status: 'SUCCEEDED', administration: 'XAA' });
  });

  it('refuses bad flags with usage errors', async () => {
    expect((await cli(['pipeline', 'run', '--admin', 'x1'])).code).toBe(2);
    expect((await cli(['pipeline', 'run', '--redrive', '../etc'])).code).toBe(2);
    await writeFile(join(root, 'something'), 'x');
    const notFresh = await cli(['pipeline', 'run', '--demo', '--store', root]);
    expect(notFresh.code).toBe(1);
    expect(notFresh.err).toMatch(/fresh store/);
  });
});
