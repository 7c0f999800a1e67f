/** Inspection rates (percent of declarations) every evaluation reports. */
export const K_PERCENTS = [1, 2, 5, 10] as const;

/** Number of declarations an inspection rate of k% selects out of n (at least one when n > 0). */
export function selectionSize(n: number, kPercent: number): number {
  return n === 0 ? 0 : Math.max(1, Math.round((n * kPercent) / 100));
}

/**
 * Indices sorted by descending priority; ties broken by the optional secondary key, then by input order,
 * so the ranking is deterministic.
 */
export function rankOrder(priority: ArrayLike<number>, tieBreak?: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: priority.length }, (_, i) => i);
  return idx.sort((a, b) => priority[b] - priority[a] || (tieBreak ? tieBreak[b] - tieBreak[a] : 0) || a - b);
}

/** ROC-AUC by the rank-sum (Mann-Whitney) formula with average ranks for ties; null without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]] === 1) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * PR-AUC as average precision (the step-wise area, as scikit-learn's average_precision_score), with
 * tied scores taken as one threshold; null without positives.
 */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  let totalPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) totalPos++;
  if (totalPos === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) tp++;
      j++;
    }
    seen = j;
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    i = j;
  }
  return ap;
}

export interface FraudMetrics {
  'precision@1': number | null;
  'precision@2': number | null;
  'precision@5': number | null;
  'precision@10': number | null;
  'recall@1': number | null;
  'recall@2': number | null;
  'recall@5': number | null;
  'recall@10': number | null;
  'revenue@1': number | null;
  'revenue@2': number | null;
  'revenue@5': number | null;
  'revenue@10': number | null;
  rocAuc: number | null;
  prAuc: number | null;
  testRows: number;
  testPositives: number;
}

/**
 * Selection metrics at k% inspection rates for a ranking (first = inspected first).
 * precision@k: share of frauds among the selected; recall@k: share of all frauds selected;
 * revenue@k: share of all recovered revenue selected (null without revenue labels or with zero
 * total revenue); recall and revenue are null when undefined (no positives), never a fake 0.
 */
export function evaluateRanking(
  ranking: ArrayLike<number>,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  revenue?: ArrayLike<number> | null,
): FraudMetrics {
  const n = labels.length;
  let positives = 0;
  let totalRevenue = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) positives++;
    if (revenue) totalRevenue += revenue[i];
  }
  const m = { testRows: n, testPositives: positives } as FraudMetrics;
  for (const k of K_PERCENTS) {
    const size = selectionSize(n, k);
    let tp = 0;
    let rev = 0;
    for (let r = 0; r < size; r++) {
      const i = ranking[r];
      if (labels[i] === 1) tp++;
      if (revenue) rev += revenue[i];
    }
    m[`precision@${k}`] = size > 0 ? tp / size : null;
    m[`recall@${k}`] = positives > 0 ? tp / positives : null;
    m[`revenue@${k}`] = revenue && totalRevenue > 0 ? rev / totalRevenue : null;
  }
  m.rocAuc = rocAuc(scores, labels);
  m.prAuc = prAuc(scores, labels);
  return m;
}
