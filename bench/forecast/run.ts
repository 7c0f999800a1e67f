/**
 * npm run bench:forecast [-- --series N --ours combo,auto,theta --r snaive,thetaf,ets,auto.arima --r-slow-subset N]
 *
 * Holds back the last 18 months of every M3 monthly training series (train' / test'), then scores
 * our forecaster (`bacuda forecast evaluate`, worker threads) and R's forecast package on the same
 * files in one run, and prints sMAPE, MASE, 95% coverage, seconds and ratios to R's thetaf.
 * ets and auto.arima are slow in R (ets ≈ 0.6 s per series): they are off by default, and
 * --r-slow-subset N runs them on the first N series only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseM3 } from '../../shared/forecast/parse.ts';

const HOLD_BACK = 18;
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values } = parseArgs({
  options: {
    series: { type: 'string' },
    ours: { type: 'string', default: 'combo' },
    r: { type: 'string', default: 'snaive,thetaf' },
    'r-slow-subset': { type: 'string', default: '0' },
    workers: { type: 'string' },
  },
});
const evalData = resolve(root, process.env.BACUDA_EVAL_DATA ?? '../shared/eval-data');
const source = join(evalData, 'c/m3_monthly_train.csv');
let rows = parseM3(readFileSync(source, 'utf8'));
if (values.series) rows = rows.slice(0, Number(values.series));

const q = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
const header = 'series,category,description,n_train,horizon,start_year,start_month,values'
  .split(',')
  .map(q)
  .join(',');
const trainLines = [header];
const testLines = [header];
let skipped = 0;
for (const r of rows) {
  const n = r.values.length - HOLD_BACK;
  if (n < 12) {
    skipped++;
    continue;
  }
  const first = r.startYear * 12 + r.startMonth - 1 + n;
  const base = [r.series, r.category, r.description, n, HOLD_BACK];
  trainLines.push([...base, r.startYear, r.startMonth, r.values.slice(0, n).join(' ')].map(q).join(','));
  testLines.push(
    [...base, Math.floor(first / 12), (first % 12) + 1, r.values.slice(n).join(' ')].map(q).join(','),
  );
}
const dir = mkdtempSync(join(tmpdir(), 'bench-forecast-'));
const train = join(dir, 'train.csv');
const test = join(dir, 'test.csv');
writeFileSync(train, `${trainLines.join('\n')}\n`);
writeFileSync(test, `${testLines.join('\n')}\n`);
console.error(
  `bench:forecast: ${trainLines.length - 1} series (${skipped} too short skipped), last ${HOLD_BACK} months held back; files in ${dir}`,
);

interface Score {
  method: string;
  series: number;
  smape: number;
  mase: number;
  coverage95: number;
  seconds: number;
  engine: string;
}
const scores: Score[] = [];

for (const method of String(values.ours).split(',').filter(Boolean)) {
  console.error(`ours: ${method} …`);
  const args = [
    'bin/bacuda.ts',
    'forecast',
    'evaluate',
    '--train',
    train,
    '--test',
    test,
    '--method',
    method,
    '--json',
  ];
  if (values.workers) args.push('--workers', String(values.workers));
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wall = (performance.now() - t0) / 1000;
  const j = JSON.parse(out.trim().split('\n').at(-1) as string);
  scores.push({ ...j, method: `ours:${method}`, seconds: wall, engine: 'bacuda (worker threads)' });
}

const rMethods = String(values.r).split(',').filter(Boolean);
if (rMethods.length) {
  const ensure = spawnSync('sh', [join(here, 'ensure-r.sh')], { stdio: 'inherit' });
  if (ensure.status !== 0) throw new Error('R forecast package is not available and could not be installed');
  console.error(`R: ${rMethods.join(', ')} …`);
  const out = execFileSync(
    'Rscript',
    [join(here, 'r_reference.R'), train, test, rMethods.join(','), String(values['r-slow-subset'])],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for (const line of out.trim().split('\n')) {
    const j = JSON.parse(line);
    scores.push({ ...j, method: `R:${j.method}`, engine: 'R forecast (single core)' });
  }
}
rmSync(dir, { recursive: true, force: true });

const ref = scores.find((s) => s.method === 'R:thetaf');
console.log(
  'method            series   sMAPE    MASE   cov95  seconds   sMAPE/thetaf  MASE/thetaf  time/thetaf',
);
for (const s of scores) {
  const r = (a: number, b?: number) => (b ? (a / b).toFixed(3) : '-');
  console.log(
    `${s.method.padEnd(16)} ${String(s.series).padStart(6)} ${s.smape.toFixed(3).padStart(7)} ${s.mase.toFixed(4).padStart(7)} ${s.coverage95.toFixed(3).padStart(7)} ${s.seconds.toFixed(1).padStart(8)}   ${r(s.smape, ref?.smape).padStart(12)} ${r(s.mase, ref?.mase).padStart(12)} ${r(s.seconds, ref?.seconds).padStart(12)}`,
  );
}
const ours =
  scores.find((s) => s.method === 'ours:combo') ?? scores.find((s) => s.method.startsWith('ours:'));
const goals =
  ours && ref && ours.series === ref.series
    ? {
        beatsThetaSmape: ours.smape < ref.smape,
        beatsThetaMase: ours.mase < ref.mase,
        coverage95InRange: ours.coverage95 >= 0.9 && ours.coverage95 <= 0.97,
        within10xThetaTime: ours.seconds <= 10 * ref.seconds,
      }
    : undefined;
console.log(JSON.stringify({ holdBack: HOLD_BACK, scores, goals }));
