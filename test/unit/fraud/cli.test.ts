import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { kcsCsv, makeDeclarations, tempDir, writeTemp } from './fixtures.ts';

async function run(argv: string[]) {
  const out: string[] = [];
  const log: string[] = [];
  // In-thread training: worker start-up would dominate on data this small.
  if (argv[1] === 'evaluate' || argv[1] === 'train') argv = [...argv, '--workers', '0'];
  const code = await main(argv, { out: (s) => out.push(s), log: (s) => log.push(s) });
  return { code, out, log: log.join('\n') };
}

describe('bacuda fraud (CLI)', () => {
  let dir: string;
  let train: string;
  let test: string;
  beforeAll(() => {
    dir = tempDir();
    train = writeTemp(dir, 'train.csv', kcsCsv(makeDeclarations(600, 1, '2020-01-01', 300)));
    test = writeTemp(dir, 'test.csv', kcsCsv(makeDeclarations(300, 2, '2020-11-01', 60)));
  });

  it('evaluate prints the contract JSON as its last stdout line', async () => {
    const r = await run(['fraud', 'evaluate', '--train', train, '--test', test, '--json', '--trees', '20']);
    expect(r.code, r.log).toBe(0);
    const m = JSON.parse(r.out[r.out.length - 1]);
    for (const k of [
      'precision@1',
      'precision@2',
      'precision@5',
      'precision@10',
      'recall@1',
      'recall@2',
      'recall@5',
      'recall@10',
      'rocAuc',
    ]) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m['revenue@5']).toBeNull();
    expect(m.trainRows).toBe(600);
    expect(m.testRows).toBe(300);
    expect(m.trainSeconds).toBeGreaterThan(0);
    // The planted signal is learnable.
    expect(m.rocAuc).toBeGreaterThan(0.7);
    expect(r.log).toContain('trees');
  });

  it('evaluate accepts several training files and marks metrics undefined without test frauds', async () => {
    const clean = makeDeclarations(100, 3, '2020-12-01', 20).map((d) => ({ ...d, illicit: 0 as const }));
    const noFraud = writeTemp(dir, 'nofraud.csv', kcsCsv(clean));
    const r = await run([
      'fraud',
      'evaluate',
      '--train',
      `${train},${test}`,
      '--test',
      noFraud,
      '--json',
      '--trees',
      '5',
    ]);
    expect(r.code, r.log).toBe(0);
    const m = JSON.parse(r.out[r.out.length - 1]);
    expect(m.trainRows).toBe(900);
    expect(m.rocAuc).toBeNull();
    expect(m['recall@5']).toBeNull();
    expect(m.warnings.join(' ')).toMatch(/no frauds/);
  });

  it('rejects bad input with one clear line', async () => {
    const empty = writeTemp(dir, 'empty.csv', '');
    const headerOnly = writeTemp(dir, 'header.csv', kcsCsv([]));
    const unknown = writeTemp(dir, 'unknown.csv', 'foo,bar\n1,2\n');
    const bad = makeDeclarations(20, 4);
    bad[3] = { ...bad[3], cifValue: -5 };
    const negative = writeTemp(dir, 'negative.csv', kcsCsv(bad).replace(',-5,', ',-5,'));
    const unlabeled = writeTemp(dir, 'unlabeled.csv', kcsCsv(makeDeclarations(20, 5), { labels: false }));
    const cases: [string[], RegExp][] = [
      [['--train', empty, '--test', test], /empty/],
      [['--train', headerOnly, '--test', test], /no declarations/],
      [['--train', unknown, '--test', test], /unrecognised layout/],
      [['--train', negative, '--test', test], /negative.*--skip-invalid/],
      [['--train', train, '--test', unlabeled], /no labelled/],
      [['--train', join(dir, 'missing.csv'), '--test', test], /missing\.csv/],
    ];
    for (const [args, message] of cases) {
      const r = await run(['fraud', 'evaluate', ...args, '--json', '--trees', '3']);
      expect(r.code, r.log).toBe(1);
      expect(r.log).toMatch(message);
      expect(r.log).not.toMatch(/unexpected error|\n\s+at /);
    }
    const usage = await run(['fraud', 'evaluate', '--test', test]);
    expect(usage.code).toBe(2);
  });

  it('train stores a version, promote moves current, score writes the selection', async () => {
    const store = join(dir, 'store');
    const t = await run([
      'fraud',
      'train',
      '--data',
      train,
      '--admin',
      'XAA',
      '--store',
      store,
      '--trees',
      '10',
    ]);
    expect(t.code, t.log).toBe(0);
    const trained = JSON.parse(t.out[t.out.length - 1]);
    const versionDir = join(store, 'models', 'XAA', trained.version);
    for (const f of ['model.json', 'profile.json', 'metrics.json', 'manifest.json'])
      expect(existsSync(join(versionDir, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8'));
    expect(manifest.trainingData[0].id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(join(versionDir, 'metrics.json'), 'utf8')).holdout.rocAuc).toBeGreaterThan(
      0.5,
    );
    // The stored model is an ml-random-forest model.
    const forest = RandomForestClassifier.load(
      JSON.parse(readFileSync(join(versionDir, 'model.json'), 'utf8')),
    );
    expect(forest.estimators?.length).toBe(10);
    // Nothing is current until promoted.
    expect(existsSync(join(store, 'models', 'XAA', 'current'))).toBe(false);
    const notYet = await run(['fraud', 'score', '--admin', 'XAA', '--data', test, '--store', store]);
    expect(notYet.code).toBe(1);
    expect(notYet.log).toMatch(/no promoted/);

    const p = await run([
      'fraud',
      'promote',
      '--admin',
      'XAA',
      '--version',
      trained.version,
      '--store',
      store,
    ]);
    expect(p.code, p.log).toBe(0);
    const bogus = await run(['fraud', 'promote', '--admin', 'XAA', '--version', 'nope', '--store', store]);
    expect(bogus.code).toBe(1);

    const outFile = join(dir, 'scores.csv');
    const s = await run([
      'fraud',
      'score',
      '--admin',
      'XAA',
      '--data',
      test,
      '--out',
      outFile,
      '--store',
      store,
    ]);
    expect(s.code, s.log).toBe(0);
    const summary = JSON.parse(s.out[s.out.length - 1]);
    expect(summary).toMatchObject({ admin: 'XAA', version: trained.version, rows: 300, selected: 15 });
    const lines = readFileSync(outFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('declarationId,itemNumber,score,priority,rank,rankBand,selected');
    expect(lines.length).toBe(301);
    expect(lines.filter((l) => l.endsWith(',exploration')).length).toBe(2);
  });
});
