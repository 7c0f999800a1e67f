import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { readJson } from '../../../shared/access/json-store.ts';
import { listResults } from '../../../shared/access/results.ts';
import { earlyWarnings, type SeriesForecast } from '../../../shared/forecast/index.ts';
import { notFound } from '../../../shared/http/api-error.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

/** What the forecasting stage writes as `forecasts.json` in a forecast result folder. */
interface ForecastFile {
  administration: string;
  runId: string;
  series: (SeriesForecast & { history: { period: string; value: number | null }[] })[];
}

const point = z.object({
  period: z.string(),
  mean: z.number(),
  lo80: z.number(),
  hi80: z.number(),
  lo95: z.number(),
  hi95: z.number(),
});

const responseSchema = z.object({
  administration: z.string(),
  resultId: z.string(),
  status: z.enum(['preliminary', 'approved', 'rejected']),
  createdAt: z.string(),
  series: z.array(
    z.object({
      name: z.string(),
      method: z.string().optional(),
      /** Why this series could not be forecast (too short, all zeros, ...); its forecasts are then empty. */
      error: z.string().optional(),
      history: z.array(z.object({ period: z.string(), value: z.number().nullable() })),
      forecasts: z.array(point),
      backtest: z.record(z.string(), z.number()).optional(),
    }),
  ),
  /** Months where collections fell below the 80% interval of the previous forecast result. */
  earlyWarnings: z.array(
    z.object({
      series: z.string(),
      period: z.string(),
      actual: z.number(),
      expected: z.number(),
      lo80: z.number(),
      shortfall: z.number(),
    }),
  ),
});

/**
 * The latest revenue forecasts of an administration, with 80%/95% intervals, and the early warning: months
 * whose actual collections fell below the lower 80% bound of the forecast made before them.
 */
export const forecastsRoute = defineRoute({
  method: 'GET',
  path: '/v1/forecasts',
  summary: 'Latest monthly revenue forecasts with 80%/95% intervals, and early warnings of shortfalls',
  tags: ['forecast'],
  auth: { roles: ['official', 'analyst', 'member-system'], scopes: ['results/read'] },
  query: z.object({
    administration: administrationCode.optional(),
    series: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a series name of letters, digits, "_" or "-"')
      .optional(),
  }),
  response: responseSchema,
  example: { query: { administration: 'XAA', series: 'total-taxes' } },
  async handler(req, deps: ApiDeps) {
    const principal = who(req);
    const administration = req.query.administration ?? principal.administration;
    if (!administration) throw notFound('name an administration');
    await authoriseAdministration(req, administration, deps, 'read', { resource: req.path });
    const results = (await listResults(deps.store, administration, { series: 'forecast' })).filter((r) =>
      r.files.includes('forecasts.json'),
    );
    if (results.length === 0) throw notFound(`no forecasts for ${administration} yet`);
    const [latest, previous] = results;
    const read = (id: string) =>
      readJson<ForecastFile>(deps.store, `results/${administration}/forecast/${id}/forecasts.json`);
    const current = await read(latest.id);
    if (!current) throw notFound(`forecast result ${latest.id} has no forecasts`);
    const wanted = (s: { name: string }) => !req.query.series || s.name === req.query.series;
    const series = current.series.filter(wanted);
    if (req.query.series && series.length === 0) throw notFound(`no series named ${req.query.series}`);

    // Early warning: the newest history against what the previous result forecast for those months.
    const before = previous ? await read(previous.id) : undefined;
    const warnings = before
      ? earlyWarnings(
          series.map((s) => ({
            name: s.name,
            start: s.history[0]?.period ?? '',
            values: s.history.map((h) => h.value),
          })),
          before.series.filter(wanted),
        )
      : [];
    return {
      status: 200,
      body: {
        administration,
        resultId: latest.id,
        status: latest.status,
        createdAt: latest.createdAt,
        series: series.map(({ name, method, error, history, forecasts, backtest }) => ({
          name,
          method,
          error,
          history,
          forecasts,
          backtest,
        })),
        earlyWarnings: warnings,
      },
    };
  },
});
