import type { ObjectStore } from '../../ports/object-store.ts';
import type { RunRef } from '../contracts.ts';

/**
 * Stages write their results under the run's own folder (results/<ADMIN>/runs/<run-id>/output/<series>/), which the
 * results catalogue never lists. Only PublishRun, after every stage succeeded, copies them to
 * results/<ADMIN>/<series>/<run-id>/ and registers them as preliminary results awaiting approval. So a failed run
 * leaves nothing that looks like a result.
 */
export const stagingPrefix = (run: RunRef, series: string) =>
  `results/${run.administration}/runs/${run.runId}/output/${series}/`;

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2), { contentType: 'application/json' });
}
