/** worker_threads entry: predicts chunks of feature rows with the forest the main thread sent (see predict-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { type PackedForest, predictPacked } from './flat-forest.ts';

const port = parentPort;
if (!port) throw new Error('predict-worker must run in a worker thread');
let forest: { id: number; arrays: PackedForest } | undefined;
port.on(
  'message',
  (
    msg:
      | { type: 'forest'; id: number; arrays: PackedForest }
      | { type: 'chunk'; job: number; forestId: number; x: Float64Array; nRows: number; stride: number },
  ) => {
    if (msg.type === 'forest') {
      forest = { id: msg.id, arrays: msg.arrays };
      return;
    }
    if (forest?.id !== msg.forestId) throw new Error('predict-worker: chunk for a forest it does not hold');
    const { probability, soft } = predictPacked(forest.arrays, msg.x, msg.nRows, msg.stride);
    port.postMessage({ job: msg.job, probability, soft }, [
      probability.buffer as ArrayBuffer,
      soft.buffer as ArrayBuffer,
    ]);
  },
);
