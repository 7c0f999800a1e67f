import { parentPort } from 'node:worker_threads';
import { type EvalTask, evaluateTasks } from './evaluate.ts';
import type { EngineOptions } from './select.ts';
import type { MethodName } from './types.ts';

/** Worker side of parallel.ts: scores batches of series and posts the accumulator state back. */
parentPort?.on(
  'message',
  (msg: { id: number; tasks: EvalTask[]; method: MethodName; options: EngineOptions }) => {
    const acc = evaluateTasks(msg.tasks, msg.method, msg.options);
    parentPort?.postMessage({ id: msg.id, state: acc.state() });
  },
);
