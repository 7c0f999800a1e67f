import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { LocalTokenIssuer } from '../../../local/token-issuer.ts';

async function run(argv: string[]) {
  const out: string[] = [];
  const log: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), log: (s) => log.push(s) });
  return { code, out, log: log.join('\n') };
}

describe('bacuda CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bacuda-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints usage and exits 2 for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.log).toContain('unknown command');
    expect(r.log).toContain('Usage: bacuda <command>');
  });

  it('prints the command usage and exits 2 for an unknown flag', async () => {
    const r = await run(['generate', '--rows', '10', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.log).toContain('--bogus');
    expect(r.log).toContain('Usage: bacuda generate');
  });

  it('rejects a non-integer row count with usage', async () => {
    const r = await run(['generate', '--rows', 'ten', '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(2);
    expect(r.log).toContain('--rows must be an integer');
  });

  it('answers --help with exit 0', async () => {
    const r = await run(['generate', '--help']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('--seed');
  });

  it('mints a dev token the local issuer of the same store accepts', async () => {
    const r = await run(['dev-token', '--role', 'official', '--admin', 'XAA', '--store', dir]);
    expect(r.code).toBe(0);
    const issuer = await LocalTokenIssuer.open(dir);
    expect(await issuer.verifier()(r.out[0])).toMatchObject({ roles: ['official'], administration: 'XAA' });
  });

  it('requires --admin for officials and refuses malformed codes', async () => {
    expect((await run(['dev-token', '--role', 'official', '--store', dir])).code).toBe(2);
    expect((await run(['dev-token', '--role', 'official', '--admin', "X'; --", '--store', dir])).code).toBe(
      2,
    );
    expect((await run(['dev-token', '--role', 'king', '--store', dir])).code).toBe(2);
  });

  it('gives a clear one-line error, not a stack, for a corrupt store folder', async () => {
    await writeFile(join(dir, '.bacuda-store.json'), '{not json');
    const r = await run(['dev-token', '--role', 'analyst', '--store', dir]);
    expect(r.code).toBe(1);
    expect(r.log).toContain('is corrupt');
    expect(r.log).not.toContain('    at ');
  });

  it('refuses a store path that is a file', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    const r = await run(['dev-token', '--role', 'analyst', '--store', file]);
    expect(r.code).toBe(1);
    expect(r.log).toContain('not a folder');
  });
});
