import { z } from 'zod';
import { addMonths, forecastSeries, type InputSeries } from '../../forecast/index.ts';
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

/**
 * Forecasts the administration's monthly total taxes from the lake with the forecast Series' default method (the
 * theta/ETS/ARIMA combination, which beat backtest-based choice on M3), with 80% and 95% intervals, into the run's
 * staging folder.
 */
export async function forecastRevenue(deps: PipelineDeps, event: unknown): Promise<StageResult> {
  const { run } = parseInput('ForecastRevenue', input, event);
  return runStage(deps, run, 'ForecastRevenue', async () => {
    const admin = run.administration;
    const rows = await runNamedQuery(deps.query, 'declarations.by-month', admin);
    const totals = new Map(rows.map((r) => [monthOf(r), Number(r.totalTaxes ?? 0)]));
    const months = monthRange([...totals.keys()]);
    if (months.length < MIN_MONTHS)
      return {
        series: 'forecast',
        locations: [],
        summary: { months: months.length },
        skipped: `revenue history too short to forecast: ${months.length} month(s), ${MIN_MONTHS} needed`,
      };
    // Months with no declarations are real zeros in a customs revenue series, so gaps are filled with 0.
    const inputs: InputSeries[] = [
      { name: 'total-taxes', start: months[0], values: months.map((m) => totals.get(m) ?? 0) },
    ];
    for (const by of BREAKDOWNS) {
      const byKey = new Map<string, Map<string, number>>();
      for (const r of await runNamedQuery(deps.query, 'declarations.taxes-by-month', admin, { by })) {
        const k = String(r.key);
        const series = byKey.get(k) ?? new Map<string, number>();
        series.set(monthOf(r), Number(r.totalTaxes ?? 0));
        byKey.set(k, series);
      }
      const largest = [...byKey.entries()]
        .map(([k, m]) => ({ k, m, total: [...m.values()].reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.total - a.total)
        .slice(0, MAX_SUBSERIES);
      for (const { k, m } of largest)
        inputs.push({
          name: `${by}-${slug(k)}`,
          start: months[0],
          values: months.map((mo) => m.get(mo) ?? 0),
        });
    }
    // Uploaded revenue lines (e.g. customs duties, import VAT, excise): a missing month stays missing.
    const revenue = new Map<string, Map<string, number>>();
    for (const r of await runNamedQuery(deps.query, 'revenue.by-month', admin)) {
      if (!r.month) continue;
      const series = revenue.get(String(r.category)) ?? new Map<string, number>();
      series.set(monthOf(r), Number(r.amount ?? 0));
      revenue.set(String(r.category), series);
    }
    for (const [category, m] of revenue) {
      const span = monthRange([...m.keys()]);
      inputs.push({
        name: `revenue-${slug(category)}`,
        start: span[0],
        values: span.map((mo) => m.get(mo) ?? null),
      });
    }

    const results = forecastSeries(inputs, HORIZON, { period: SEASON, seed: 1 });
    // The forecaster's own checks (all zeros, negative months, ...) describe bad data: not retried. Only the
    // headline series must forecast; a sub-series that cannot is reported with its reason.
    if (results[0].error)
      throw new ValidationError(`ForecastRevenue: total taxes of ${admin}: ${results[0].error}`);
    const key = `${stagingPrefix(run, 'forecast')}forecasts.json`;
    await putJson(deps.store, key, {
      administration: admin,
      runId: run.runId,
      series: results.map((r, i) => ({
        name: r.name,
        method: r.method,
        backtest: r.backtest,
        error: r.error,
        history: inputs[i].values.map((value, j) => ({ period: addMonths(inputs[i].start, j), value })),
        forecasts: r.forecasts,
      })),
    });
    const failed = results.filter((r) => r.error).length;
    deps.log?.(
      `ForecastRevenue: ${admin}: ${results.length} series (${failed} not forecastable), ${months.length} months → ${HORIZON} ahead`,
    );
    return {
      series: 'forecast',
      locations: [key],
      summary: {
        series: results.length,
        failed,
        months: months.length,
        horizon: HORIZON,
        method: results[0].method,
      },
    };
  });
}

/** Sub-series forecast beside the total: by office, HS chapter and tax type (the largest few of each). */
const BREAKDOWNS = ['office', 'chapter', 'taxType'] as const;
const MAX_SUBSERIES = 5;

function monthOf(r: Record<string, unknown>): string {
  return `${r.year}-${String(r.month).padStart(2, '0')}`;
}

/** Every month from the earliest to the latest given. */
function monthRange(periods: string[]): string[] {
  if (periods.length === 0) return [];
  const sorted = [...periods].sort();
  const out = [sorted[0]];
  while (out[out.length - 1] < sorted[sorted.length - 1]) out.push(addMonths(out[out.length - 1], 1));
  return out;
}

/** Series names travel in URLs (?series=...): letters, digits, '_' and '-' only. */
function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 48) || 'unnamed';
}
