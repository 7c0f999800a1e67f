/** worker_threads entry: grows the trees the main thread asks for (see train-forest.ts). */
import { parentPort } from 'node:worker_threads';
import type { BinnedFeatures } from './binning.ts';
import type { TreeOptions } from './tree-builder.ts';
import { growForestTree, treeBuffers } from './tree-task.ts';

interface Init {
  data: BinnedFeatures;
  y: Uint8Array;
  tree: TreeOptions;
  seed: number;
  bootstrap: boolean;
}

let init: Init | undefined;
const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');
port.on('message', (msg: { type: 'init'; init: Init } | { type: 'tree'; index: number }) => {
  if (msg.type === 'init') {
    init = msg.init;
    return;
  }
  if (!init) throw new Error('worker not initialised');
  const grown = growForestTree(init.data, init.y, init.tree, init.seed, init.bootstrap, msg.index);
  port.postMessage({ type: 'tree', index: msg.index, grown }, treeBuffers(grown));
});
