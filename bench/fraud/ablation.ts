/**
 * Feature-group ablation on time-ordered validation *inside the training file*: the earliest 75% of
 * dates train, the latest 25% validate. The held-out valid/test files are never looked at here, so
 * choosing groups from this table does not tune to them.
 *
 * Usage: node_modules/.bin/node bench/fraud/ablation.ts [TRAIN.csv] [--trees N]
 * Prints a markdown table (docs/fraud.md holds the last run).
 */

import {
  DEFAULT_FEATURE_GROUPS,
  FEATURE_GROUPS,
  type FeatureGroup,
  type FeatureOptions,
} from '../../shared/fraud/features.ts';
import type { ForestOptions } from '../../shared/fraud/forest/forest-options.ts';
import { loadDeclarationFiles } from '../../shared/fraud/load-declarations.ts';
import { evaluateRanking, rankOrder } from '../../shared/fraud/metrics.ts';
import { FraudScorer, trainFraudModel } from '../../shared/fraud/model.ts';

const args = process.argv.slice(2);
const treesAt = args.indexOf('--trees');
const trees = treesAt >= 0 ? Number(args[treesAt + 1]) : 50;
const file =
  args.find((a, i) => !a.startsWith('--') && (treesAt < 0 || i !== treesAt + 1)) ??
  `${process.env.BACUDA_EVAL_DATA ?? '../shared/eval-data'}/a/kcs_df_syn_train_eng.csv`;

const all = (await loadDeclarationFiles([file])).declarations;
const dates = all.map((d) => d.date).sort();
const cut = dates[Math.floor(dates.length * 0.75)];
const train = all.filter((d) => d.date < cut);
const valid = all.filter((d) => d.date >= cut);
process.stderr.write(
  `ablation on ${file}: train ${train.length} rows (< ${cut}), validate ${valid.length} rows, ${trees} trees\n`,
);

const base = [...DEFAULT_FEATURE_GROUPS];
type Config = { name: string; features: Partial<FeatureOptions>; forest?: Partial<ForestOptions> };
const groupConfigs: Config[] = [
  { name: 'all groups', features: { groups: FEATURE_GROUPS } },
  { name: 'default', features: { groups: base } },
  ...base.map((g) => ({ name: `default − ${g}`, features: { groups: base.filter((x) => x !== g) } })),
  ...FEATURE_GROUPS.filter((g) => !base.includes(g)).map((g) => ({
    name: `default + ${g}`,
    features: { groups: [...base, g] },
  })),
];
// Encoding, smoothing and forest-shape variants of the default (ABLATION_GROUPS_ONLY=1 skips them).
const variants: Config[] = [
  { name: "default, training encoding 'past'", features: { groups: base, trainingEncoding: 'past' } },
  { name: 'default, smoothing 2', features: { groups: base, smoothing: 2 } },
  { name: 'default, smoothing 50', features: { groups: base, smoothing: 50 } },
  { name: 'default, min leaf 3', features: { groups: base }, forest: { minLeafSamples: 3 } },
  { name: 'default, min leaf 10', features: { groups: base }, forest: { minLeafSamples: 10 } },
  { name: 'default, max features 0.5', features: { groups: base }, forest: { maxFeatures: 0.5 } },
];
const configs = [...groupConfigs, ...(process.env.ABLATION_GROUPS_ONLY ? [] : variants)];
const only = process.env.ABLATION_ONLY;
const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
console.log('| features | precision@1 | precision@5 | recall@10 | ROC-AUC | PR-AUC | features used |');
console.log('|---|---|---|---|---|---|---|');
for (const c of configs) {
  if (only && !c.name.includes(only)) continue;
  const model = await trainFraudModel(train, {
    features: c.features,
    forest: { ...c.forest, nEstimators: trees },
  });
  const s = new FraudScorer(model).score(valid);
  const m = evaluateRanking(
    rankOrder(s.priority, s.soft),
    s.soft,
    valid.map((d) => d.illicit as number),
  );
  console.log(
    `| ${c.name} | ${fmt(m['precision@1'])} | ${fmt(m['precision@5'])} | ${fmt(m['recall@10'])} | ${fmt(m.rocAuc)} | ${fmt(m.prAuc)} | ${model.profile.featureNames.length} |`,
  );
}

export type { FeatureGroup };
