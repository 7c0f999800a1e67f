import type { Declaration } from '../declarations/canonical.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { predictInWorkers } from './forest/predict-pool.ts';
import { type FraudScorer, rankBand, type ScoredBatch } from './model.ts';
import { type SelectionOptions, selectForInspection } from './selection.ts';

export interface BatchScoreRow {
  declarationId: string;
  itemNumber: number;
  score: number;
  priority: number;
  rank: number;
  rankBand: string;
  selected: '' | 'ranking' | 'exploration';
}

export interface BatchResult {
  rows: BatchScoreRow[];
  selected: number;
  kPercent: number;
  exploration: number;
}

/** Below this many declarations a batch is scored in the calling thread (worker start-up would dominate). */
export const PARALLEL_MIN_ROWS = 20_000;

/**
 * scorer.score in worker threads: the calling thread builds features chunk by chunk while the workers
 * (both cores by default) walk the forest. Same numbers as scorer.score (each row is predicted alone).
 * Small batches (< minRows, default PARALLEL_MIN_ROWS) or workers: 0 score in the calling thread.
 */
export async function scoreInParallel(
  scorer: FraudScorer,
  decls: readonly Declaration[],
  options: { workers?: number; chunkRows?: number; minRows?: number } = {},
): Promise<ScoredBatch> {
  if (options.workers === 0 || decls.length < (options.minRows ?? PARALLEL_MIN_ROWS))
    return scorer.score(decls);
  const { probability, soft } = await predictInWorkers(
    scorer.forest,
    decls.length,
    scorer.space.nFeatures,
    (start, end) => scorer.features(decls.slice(start, end)),
    options,
  );
  return scorer.scored(decls, probability, soft);
}

/** Scores a batch of declarations and picks the k% inspection list (with its exploration share). */
export async function scoreBatch(
  scorer: FraudScorer,
  decls: readonly Declaration[],
  options: SelectionOptions & { workers?: number },
): Promise<BatchResult> {
  const s = await scoreInParallel(scorer, decls, { workers: options.workers });
  const sel = selectForInspection(s.priority, s.probability, options, s.soft);
  const selected = new Map<number, 'ranking' | 'exploration'>();
  sel.rows.forEach((r, i) => {
    selected.set(r, sel.reasons[i]);
  });
  const rows = decls.map((d, i) => ({
    declarationId: d.declarationId,
    itemNumber: d.itemNumber,
    score: s.probability[i],
    priority: s.priority[i],
    rank: sel.rankOf[i] + 1,
    rankBand: rankBand(s.probability[i], scorer.model.bands),
    selected: selected.get(i) ?? ('' as const),
  }));
  return {
    rows,
    selected: sel.rows.length,
    kPercent: options.kPercent,
    exploration: options.exploration ?? 0.1,
  };
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV of the scored rows, in input order. */
export function batchCsv(rows: readonly BatchScoreRow[]): string {
  const head = 'declarationId,itemNumber,score,priority,rank,rankBand,selected';
  const body = rows.map((r) =>
    [r.declarationId, r.itemNumber, r.score, r.priority, r.rank, r.rankBand, r.selected]
      .map(csvCell)
      .join(','),
  );
  return `${[head, ...body].join('\n')}\n`;
}

/**
 * The batch run behind a `declarations` upload: writes results/<ADMIN>/fraud/<upload-id>/scores.csv
 * (every declaration) and selection.json (the k% list, ranking picks first) and returns a summary.
 */
export async function writeBatchResults(
  store: ObjectStore,
  target: { admin: string; uploadId: string; modelVersion: string },
  result: BatchResult,
): Promise<{ prefix: string; selected: number; rows: number }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(target.uploadId))
    throw new RangeError(`invalid upload id "${target.uploadId}"`);
  const prefix = `results/${target.admin}/fraud/${target.uploadId}`;
  await store.put(`${prefix}/scores.csv`, batchCsv(result.rows), { contentType: 'text/csv' });
  const picked = result.rows.filter((r) => r.selected !== '').sort((a, b) => a.rank - b.rank);
  await store.put(
    `${prefix}/selection.json`,
    JSON.stringify(
      {
        admin: target.admin,
        uploadId: target.uploadId,
        modelVersion: target.modelVersion,
        kPercent: result.kPercent,
        exploration: result.exploration,
        declarations: result.rows.length,
        selected: picked,
      },
      null,
      2,
    ),
    { contentType: 'application/json' },
  );
  return { prefix, selected: result.selected, rows: result.rows.length };
}
