import { z } from 'zod';
import { forecastSeries } from '../../forecast/index.ts';
import { runNamedQuery } from '../../queries/index.ts';
import { parseInput, runRefSchema, type StageResult } from '../contracts.ts';
import { ValidationError } from '../errors.ts';
import { type PipelineDeps, runStage } from '../stage.ts';
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
 * Forecasts the administration's monthly total taxes from the lake with the forecast Series' default method (the
 * theta/ETS/ARIMA combination, which beat backtest-based choice on M3), with 80% and 95% intervals, into the run's
 * staging folder.
 */
export async function forecastRevenue(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run } = parseInput('ForecastRevenue', input, event);
  return runStage(deps, run, 'ForecastRevenue', async () => {
    const rows = await runNamedQuery(deps.query, 'declarations.by-month', run.administration);
    const history = rows.map((r) => ({
      period: `${r.year}-${String(r.month).padStart(2, '0')}`,
      value: Number(r.totalTaxes ?? 0),
    }));
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
    const [result] = forecastSeries(
      [{ name: 'total-taxes', start: filled[0].period, values: filled.map((p) => p.value) }],
      HORIZON,
      { period: SEASON, seed: 1 },
    );
    // The forecaster's own per-series checks (all zeros, negative months, ...) describe bad data: not retried.
    if (result.error)
      throw new ValidationError(`ForecastRevenue: total taxes of ${run.administration}: ${result.error}`);
    const forecasts = result.forecasts;
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
