import { z } from 'zod';
import { DEFAULT_GAP_SETTINGS, revenueGap } from '../../gap/index.ts';
import { parseInput, runRefSchema, type StageResult, uploadSchema } from '../contracts.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { putJson, stagingPrefix } from './staging.ts';

const input = z.object({ run: runRefSchema, upload: uploadSchema });

/**
 * Recomputes the revenue gap (and with it the mirror pairs it is built on) over the lake's trade, tariffs and
 * declarations tables after new trade or declarations arrive. Without trade statistics for the administration there
 * is no mirror to compare with, and the stage says so.
 */
export async function refreshMirrorGap(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run, upload } = parseInput('RefreshMirrorGap', input, event);
  return runStage(deps, run, 'RefreshMirrorGap', async () => {
    const trade = await deps.store.list(`curated/trade/administration=${run.administration}/`);
    if (trade.length === 0)
      return {
        series: 'gap',
        locations: [],
        summary: { trigger: upload.dataset },
        skipped: `no trade statistics uploaded for ${run.administration}`,
      };
    const gap = await revenueGap(deps.query, DEFAULT_GAP_SETTINGS, true);
    const key = `${stagingPrefix(run, 'gap')}gap.json`;
    await putJson(deps.store, key, { administration: run.administration, runId: run.runId, ...gap });
    return { series: 'gap', locations: [key], summary: { trigger: upload.dataset, ...gap.totals } };
  });
}
