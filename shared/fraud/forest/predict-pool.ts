import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FlatForest, PackedForest } from './flat-forest.ts';

/**
 * Worker threads that predict chunks of feature rows, kept between batches like the trainer's pool
 * (train-forest.ts): starting one costs a TypeScript module load. Unref'd, so an idle pool never keeps
 * the process alive; a failing worker takes the pool down and the next batch starts a fresh one.
 * Batches are serialised through `queue` because each worker holds one forest at a time.
 */
interface PoolWorker {
  worker: Worker;
  forestId: number;
}
let pool: PoolWorker[] = [];
let queue: Promise<unknown> = Promise.resolve();
const forestIds = new WeakMap<FlatForest, number>();
let nextForestId = 1;

function workerPool(size: number): PoolWorker[] {
  while (pool.length < size) {
    const worker = new Worker(new URL('./predict-worker.ts', import.meta.url));
    worker.unref();
    pool.push({ worker, forestId: 0 });
  }
  return pool.slice(0, size);
}

async function discardPool(): Promise<void> {
  const old = pool;
  pool = [];
  await Promise.all(old.map((w) => w.worker.terminate()));
}

/** Default threads for batch prediction: both cores of the machine (at least one worker). */
export const defaultPredictWorkers = (): number => Math.max(1, Math.min(2, availableParallelism()));

/**
 * Predicts rows chunk by chunk in worker threads while the calling thread builds the next chunk's
 * features (`featuresOf(start, end)` returns row-major features, (end - start) × stride). Returns the
 * same probability and soft vote as forest.predictBoth over all rows (each row is predicted alone).
 */
export function predictInWorkers(
  forest: FlatForest,
  nRows: number,
  stride: number,
  featuresOf: (start: number, end: number) => Float64Array,
  options: { workers?: number; chunkRows?: number } = {},
): Promise<{ probability: Float64Array; soft: Float64Array }> {
  const run = queue.then(() => predictInPool(forest, nRows, stride, featuresOf, options));
  queue = run.catch(() => undefined);
  return run;
}

async function predictInPool(
  forest: FlatForest,
  nRows: number,
  stride: number,
  featuresOf: (start: number, end: number) => Float64Array,
  options: { workers?: number; chunkRows?: number },
): Promise<{ probability: Float64Array; soft: Float64Array }> {
  const ws = workerPool(Math.max(1, options.workers ?? defaultPredictWorkers()));
  const chunkRows = Math.max(1, options.chunkRows ?? 8192);
  let forestId = forestIds.get(forest);
  if (forestId === undefined) {
    forestId = nextForestId++;
    forestIds.set(forest, forestId);
  }
  const arrays: PackedForest = {
    nTrees: forest.nTrees,
    roots: forest.roots,
    packed: forest.packed,
    threshold: forest.threshold,
    value: forest.value,
    vote: forest.vote,
  };
  const probability = new Float64Array(nRows);
  const soft = new Float64Array(nRows);
  const pending = new Map<number, { start: number; resolve: () => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const cleanups: (() => void)[] = [];
  for (const w of ws) {
    const onMessage = (msg: { job: number; probability: Float64Array; soft: Float64Array }) => {
      const p = pending.get(msg.job);
      if (!p) return;
      pending.delete(msg.job);
      probability.set(msg.probability, p.start);
      soft.set(msg.soft, p.start);
      p.resolve();
    };
    const onError = (err: Error) => fail(err);
    const onExit = (code: number) => fail(new Error(`fraud scoring worker exited with code ${code}`));
    w.worker.on('message', onMessage);
    w.worker.on('error', onError);
    w.worker.on('exit', onExit);
    cleanups.push(() => {
      w.worker.off('message', onMessage);
      w.worker.off('error', onError);
      w.worker.off('exit', onExit);
    });
    if (w.forestId !== forestId) {
      w.worker.postMessage({ type: 'forest', id: forestId, arrays });
      w.forestId = forestId;
    }
  }
  try {
    const inFlight: Promise<void>[] = [];
    let job = 0;
    for (let start = 0; start < nRows; start += chunkRows) {
      if (failure) throw failure;
      const end = Math.min(nRows, start + chunkRows);
      const x = featuresOf(start, end);
      // Two chunks queued per worker keep them busy while this thread builds the next features.
      if (inFlight.length >= 2 * ws.length) await inFlight.shift();
      const id = job++;
      const done = new Promise<void>((resolve, reject) => {
        pending.set(id, { start, resolve, reject });
      });
      done.catch(() => undefined); // a failure is rethrown from `failure`; no unhandled rejections meanwhile
      inFlight.push(done);
      ws[id % ws.length].worker.postMessage(
        { type: 'chunk', job: id, forestId, x, nRows: end - start, stride },
        [x.buffer as ArrayBuffer],
      );
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  } catch (err) {
    await discardPool();
    throw err;
  } finally {
    for (const c of cleanups) c();
  }
  return { probability, soft };
}
