// Scratch: train on KCS train, evaluate on valid (used while developing; the real bench is bench.ts).
import { loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { evaluateRanking, rankOrder } from '../../shared/fraud/metrics.ts';
import { FraudScorer, trainFraudModel } from '../../shared/fraud/model.ts';

const dir = process.env.BACUDA_EVAL_DATA ?? '../shared/eval-data';
const train = (await loadDeclarationFiles([`${dir}/a/kcs_df_syn_train_eng.csv`])).declarations;
const test = (await loadDeclarationFiles([`${dir}/a/kcs_df_syn_valid_eng.csv`])).declarations;
const t0 = performance.now();
const model = await trainFraudModel(train, {
  forest: JSON.parse(process.env.FOREST ?? '{}'),
  features: JSON.parse(process.env.FEAT ?? '{}'),
});
const secs = (performance.now() - t0) / 1000;
const s = new FraudScorer(model);
const t1 = performance.now();
const sc = s.score(test);
const ps = (performance.now() - t1) / 1000;
const labels = test.map((d) => d.illicit as number);
const m = evaluateRanking(rankOrder(sc.priority, sc.soft), sc.soft, labels);
console.log(
  JSON.stringify({
    ...m,
    trainSeconds: secs,
    scorePerSec: test.length / ps,
    nodes: s.forest.feature.length,
    jsonMB: JSON.stringify(model).length / 1e6,
  }),
);
