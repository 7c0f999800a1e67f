import { z } from 'zod';
import { forecastOne } from '../../forecast/select.ts';
import { parseInput, runRefSchema, type StageResult } from '../contracts.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
import { monthlyTaxes } from './lake.ts';
import { putJson, stagingPrefix } from './staging.ts';

const input = z.object({ run: runRefSchema, trigger: z.enum(['weekly', 'upload']) });

const HORIZON = 12;
const SEASON = 12;
/** Two full seasons: the least the seasonal models and their backtest can work with. */
const MIN_MONTHS = 2 * SEASON;

function addMonths(period: string, k: number): string {
  const [y, m] = period.split('-').map(Number);
  const t = y * 12 + (m - 1) + k;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/**
 * Forecasts the administration's monthly total taxes from the lake with the forecast Series' automatic model choice
 * (rolling-origin backtest), with 80% and 95% intervals, into the run's staging folder.
 */
export async function forecastRevenue(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run } = parseInput('ForecastRevenue', input, event);
  return runStage(deps, run, 'ForecastRevenue', async () => {
    const history = await monthlyTaxes(deps.query, run.administration);
    // Months with no declarations are real zeros in a customs revenue series, so gaps are filled with 0.
    const filled: { period: string; value: number }[] = [];
    for (const point of history) {
      while (filled.length && addMonths(filled[filled.length - 1].period, 1) < point.period)
        filled.push({ period: addMonths(filled[filled.length - 1].period, 1), value: 0 });
      filled.push(point);
    }
    if (filled.length < MIN_MONTHS)
      return {
        series: 'forecast',
        locations: [],
        summary: { months: filled.length },
        skipped: `revenue history too short to forecast: ${filled.length} month(s), ${MIN_MONTHS} needed`,
      };
    const y = Float64Array.from(filled, (p) => p.value);
    const result = forecastOne(y, HORIZON, 'auto', { m: SEASON, seed: 1 });
    const last = filled[filled.length - 1].period;
    const forecasts = Array.from({ length: HORIZON }, (_, i) => ({
      period: addMonths(last, i + 1),
      mean: result.forecast.mean[i],
      lo80: result.forecast.lo80[i],
      hi80: result.forecast.hi80[i],
      lo95: result.forecast.lo95[i],
      hi95: result.forecast.hi95[i],
    }));
    const key = `${stagingPrefix(run, 'forecast')}forecasts.json`;
    await putJson(deps.store, key, {
      administration: run.administration,
      runId: run.runId,
      series: [
        { name: 'total-taxes', method: result.method, backtest: result.backtest, history: filled, forecasts },
      ],
    });
    deps.log?.(
      `ForecastRevenue: ${run.administration}: ${filled.length} months → ${HORIZON} ahead with ${result.method}`,
    );
    return {
      series: 'forecast',
      locations: [key],
      summary: { series: 1, months: filled.length, horizon: HORIZON, method: result.method },
    };
  });
}
