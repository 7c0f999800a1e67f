import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type EvalTask, evaluateTasks } from './evaluate.ts';
import { AccuracyAccumulator } from './metrics.ts';
import type { EngineOptions } from './select.ts';
import type { MethodName } from './types.ts';

export interface ParallelOptions {
  workers?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Scores many series across worker threads (one per core by default). Batches are handed out as
 * workers free up, so long and short series balance out.
 */
export async function evaluateParallel(
  tasks: EvalTask[],
  method: MethodName,
  o: EngineOptions,
  p: ParallelOptions = {},
): Promise<AccuracyAccumulator> {
  const nWorkers = Math.max(1, Math.min(p.workers ?? availableParallelism(), Math.ceil(tasks.length / 4)));
  if (nWorkers === 1) {
    const acc = evaluateTasks(tasks, method, o);
    p.onProgress?.(tasks.length, tasks.length);
    return acc;
  }
  const batch = p.batchSize ?? 16;
  const total = new AccuracyAccumulator();
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: nWorkers }, () => new Worker(new URL('./worker.ts', import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (p.signal?.aborted) return reject(new Error('aborted'));
              if (next >= tasks.length) return resolve();
              const slice = tasks.slice(next, next + batch);
              next += slice.length;
              w.postMessage({ id: next, tasks: slice, method, options: o });
            };
            w.on('message', (msg: { state: ReturnType<AccuracyAccumulator['state']> }) => {
              const acc = AccuracyAccumulator.from(msg.state);
              total.merge(acc);
              done += acc.series;
              p.onProgress?.(done, tasks.length);
              send();
            });
            w.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return total;
}
