/**
 * npm run bench:fraud — our random forest against scikit-learn's RandomForestClassifier (100 trees,
 * n_jobs=2) and XGBoost on label-encoded columns, side by side in one run: KCS train → valid.
 *
 * Env: BACUDA_EVAL_DATA (default ../shared/eval-data), FRAUD_TRAIN / FRAUD_TEST (override the files),
 *      BENCH_SCORE_ROWS (declarations for the throughput measurement, default 200000).
 * The three models train one after another so each has both cores to itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Declaration } from '../../shared/declarations/canonical.ts';
import { PARALLEL_MIN_ROWS, scoreInParallel } from '../../shared/fraud/batch.ts';
import { trainAndEvaluate } from '../../shared/fraud/evaluate.ts';
import { mlForestJsonText } from '../../shared/fraud/forest/ml-format.ts';
import { loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { FraudScorer } from '../../shared/fraud/model.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const data = resolve(root, process.env.BACUDA_EVAL_DATA ?? '../shared/eval-data');
const trainFile = process.env.FRAUD_TRAIN ?? join(data, 'a/kcs_df_syn_train_eng.csv');
const testFile = process.env.FRAUD_TEST ?? join(data, 'a/kcs_df_syn_valid_eng.csv');
const scoreRows = Number(process.env.BENCH_SCORE_ROWS ?? 200_000);
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Row {
  model: string;
  'precision@1': number | null;
  'precision@2': number | null;
  'precision@5': number | null;
  'precision@10': number | null;
  'recall@10': number | null;
  rocAuc: number | null;
  prAuc: number | null;
  trainSeconds: number;
}

log(`fraud bench: ${trainFile} -> ${testFile}`);
const train = (await loadDeclarationFiles([trainFile])).declarations;
const test = (await loadDeclarationFiles([testFile])).declarations;

log('training ours (bacuda-rf, 100 trees, 2 worker threads)...');
const { evaluation: ours, model } = await trainAndEvaluate(train, test);
const rows: Row[] = [{ model: 'bacuda-rf', ...ours }];

const python = execFileSync(join(here, 'ensure-python.sh'), { encoding: 'utf8' }).trim();
log(`training references with ${python} (scikit-learn RF, XGBoost)...`);
const ref = spawnSync(python, [join(here, 'reference.py'), trainFile, testFile], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
if (ref.status !== 0) {
  log(ref.stderr);
  throw new Error('reference.py failed');
}
for (const line of ref.stdout.trim().split('\n')) rows.push(JSON.parse(line));

// Batch scoring throughput: features + forest (the batch path: worker threads), on the test declarations repeated.
const scorer = new FraudScorer(model);
const batch: Declaration[] = [];
while (batch.length < scoreRows) batch.push(...test.slice(0, scoreRows - batch.length));
// Warm-up: JIT in this thread and the worker threads started and holding the forest.
await scoreInParallel(scorer, batch.slice(0, 2 * PARALLEL_MIN_ROWS));
const t0 = performance.now();
await scoreInParallel(scorer, batch);
const scoreSeconds = (performance.now() - t0) / 1000;
const perSecond = batch.length / scoreSeconds;

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));
const cols = [
  'precision@1',
  'precision@2',
  'precision@5',
  'precision@10',
  'recall@10',
  'rocAuc',
  'prAuc',
] as const;
console.log(`\nKCS ${train.length} train rows → ${test.length} test rows (${ours.testPositives} frauds)\n`);
console.log(`| model | ${cols.join(' | ')} | train s |`);
console.log(`|---|${cols.map(() => '---').join('|')}|---|`);
for (const r of rows)
  console.log(`| ${r.model} | ${cols.map((c) => fmt(r[c])).join(' | ')} | ${fmt(r.trainSeconds, 1)} |`);
const sk = rows.find((r) => r.model === 'sklearn-rf');
if (sk) {
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null || b === 0 ? 'n/a' : (a / b).toFixed(3);
  console.log(
    `\nbacuda-rf / sklearn-rf: precision@5 ×${ratio(ours['precision@5'], sk['precision@5'])}, recall@10 ×${ratio(ours['recall@10'], sk['recall@10'])}, ROC-AUC ×${ratio(ours.rocAuc, sk.rocAuc)}, train time ×${ratio(ours.trainSeconds, sk.trainSeconds)}`,
  );
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  console.log(`goal precision@5 >= sklearn: ${ok((ours['precision@5'] ?? 0) >= (sk['precision@5'] ?? 1))}`);
  console.log(`goal ROC-AUC >= sklearn: ${ok((ours.rocAuc ?? 0) >= (sk.rocAuc ?? 1))}`);
  console.log(`goal train time <= 1.5x sklearn: ${ok(ours.trainSeconds <= 1.5 * sk.trainSeconds)}`);
}
console.log(
  `\nbatch scoring: ${batch.length} declarations in ${scoreSeconds.toFixed(2)} s = ${Math.round(perSecond)} declarations/s (goal >= 50000: ${perSecond >= 50_000 ? 'met' : 'NOT met'})`,
);
console.log(
  `model: ${model.profile.featureNames.length} features (${model.profile.groups.join(', ')}), ${scorer.forest.nTrees} trees, ${(mlForestJsonText(model.forest).length / 1e6).toFixed(1)} MB as ml-random-forest JSON`,
);
console.log(JSON.stringify({ rows, scoringPerSecond: perSecond }));
