import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BinnedFeatures, binFeatures } from './binning.ts';
import { DEFAULT_FOREST_OPTIONS, type ForestOptions, resolveTreeOptions } from './forest-options.ts';
import { type CompactForest, compactToMlJson, type MlRandomForestJson } from './ml-format.ts';
import type { CompactTree } from './tree-builder.ts';
import { type GrownTree, growForestTree } from './tree-task.ts';

export interface TrainedForest {
  /** The trees as grown; mlForestJsonText / compactToMlJson turn them into ml-random-forest's format. */
  forest: CompactForest;
  /** The model in ml-random-forest's format (built on demand): `RandomForestClassifier.load(model)` predicts with it. */
  toMlJson(): MlRandomForestJson;
  trees: CompactTree[];
  nFeatures: number;
  /** Out-of-bag P(fraud) per training row (share of out-of-bag trees voting fraud; NaN if never out of bag). */
  oobProbability: Float64Array;
}

/** Copies into shared memory so every worker reads the same bytes without a copy per worker. */
function shared<T extends Uint8Array>(a: T): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * Worker threads kept between trainings (feature-group selection trains several forests in a row, and
 * starting a worker costs a TypeScript module load each time). They are unref'd, so an idle pool never
 * keeps the process alive; a worker that fails takes the whole pool down and the next training starts
 * a fresh one. Trainings are serialised through `queue` because workers hold one data set at a time.
 */
let pool: Worker[] = [];
let queue: Promise<unknown> = Promise.resolve();

function workerPool(size: number): Worker[] {
  while (pool.length < size) {
    const w = new Worker(new URL('./train-worker.ts', import.meta.url));
    w.unref();
    pool.push(w);
  }
  return pool.slice(0, size);
}

async function discardPool(): Promise<void> {
  const old = pool;
  pool = [];
  await Promise.all(old.map((w) => w.terminate()));
}

function growInWorkers(
  data: BinnedFeatures,
  y: Uint8Array,
  o: ForestOptions,
  workers: number,
  onTree?: (done: number, total: number) => void,
): Promise<GrownTree[]> {
  const run = queue.then(() => growInPool(data, y, o, workers, onTree));
  queue = run.catch(() => undefined);
  return run;
}

async function growInPool(
  data: BinnedFeatures,
  y: Uint8Array,
  o: ForestOptions,
  workers: number,
  onTree?: (done: number, total: number) => void,
): Promise<GrownTree[]> {
  const tree = resolveTreeOptions(o, data.nFeatures);
  const init = {
    data: { ...data, codes: shared(data.codes) },
    y: shared(y),
    tree,
    seed: o.seed,
    bootstrap: o.bootstrap,
  };
  const trees: GrownTree[] = new Array(o.nEstimators);
  let next = 0;
  let done = 0;
  const ws = workerPool(workers);
  const cleanups: (() => void)[] = [];
  try {
    await Promise.all(
      ws.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onError = (err: Error) => reject(err);
            const onExit = (code: number) =>
              reject(new Error(`forest training worker exited with code ${code}`));
            const ask = (): void => {
              if (next >= o.nEstimators) {
                resolve();
                return;
              }
              w.postMessage({ type: 'tree', index: next++ });
            };
            const onMessage = (msg: { type: 'tree'; index: number; grown: GrownTree }) => {
              trees[msg.index] = msg.grown;
              done++;
              onTree?.(done, o.nEstimators);
              ask();
            };
            w.on('error', onError);
            w.on('exit', onExit);
            w.on('message', onMessage);
            cleanups.push(() => {
              w.off('error', onError);
              w.off('exit', onExit);
              w.off('message', onMessage);
            });
            w.postMessage({ type: 'init', init });
            ask();
          }),
      ),
    );
  } catch (err) {
    await discardPool();
    throw err;
  } finally {
    for (const c of cleanups) c();
  }
  return trees;
}

/**
 * Trains a Gini random forest on numeric features with a histogram split search over ≤256 quantile
 * bins, trees grown in worker_threads, and returns it in ml-random-forest's model format.
 * @param columns columns[f][i]: feature f of row i (NaN = missing, always routed right).
 * @param y labels 0/1.
 */
export async function trainForest(
  columns: ArrayLike<number>[],
  y: ArrayLike<number>,
  options: Partial<ForestOptions> = {},
  onTree?: (done: number, total: number) => void,
): Promise<TrainedForest> {
  const o: ForestOptions = { ...DEFAULT_FOREST_OPTIONS, ...options };
  if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1)
    throw new RangeError('nEstimators must be a positive integer');
  const data = binFeatures(columns, o.maxBins);
  if (y.length !== data.n) throw new RangeError(`labels have ${y.length} rows, features ${data.n}`);
  if (data.n === 0) throw new RangeError('no training rows');
  const labels = new Uint8Array(data.n);
  for (let i = 0; i < data.n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`label of row ${i} must be 0 or 1, got ${y[i]}`);
    labels[i] = y[i];
  }
  const tree = resolveTreeOptions(o, data.nFeatures);
  const workers = Math.min(o.workers ?? availableParallelism(), o.nEstimators);
  let trees: GrownTree[];
  if (workers <= 0 || o.nEstimators === 1) {
    trees = [];
    for (let t = 0; t < o.nEstimators; t++) {
      trees.push(growForestTree(data, labels, tree, o.seed, o.bootstrap, t));
      onTree?.(t + 1, o.nEstimators);
    }
  } else trees = await growInWorkers(data, labels, o, workers, onTree);
  const votes = new Float64Array(data.n);
  const counted = new Float64Array(data.n);
  for (const g of trees)
    for (let i = 0; i < data.n; i++)
      if (g.oob[i] >= 0) {
        counted[i]++;
        votes[i] += g.oob[i];
      }
  const oobProbability = votes.map((v, i) => (counted[i] ? v / counted[i] : Number.NaN));
  const compact = trees.map((g) => g.tree);
  const forest: CompactForest = {
    format: 'compact',
    trees: compact,
    nFeatures: data.nFeatures,
    tree,
    seed: o.seed,
    bootstrap: o.bootstrap,
  };
  return {
    forest,
    toMlJson: () => compactToMlJson(forest),
    trees: compact,
    nFeatures: data.nFeatures,
    oobProbability,
  };
}
