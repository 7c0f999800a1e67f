import { readFile } from 'node:fs/promises';
import { forecastSeries } from '../../shared/forecast/forecast.ts';
import { ParseError, parseRevenueCsv } from '../../shared/forecast/parse.ts';
import type { MethodName } from '../../shared/forecast/types.ts';
import { type Command, requireString, stringOpt, UsageError, UserError } from '../command.ts';

const METHODS = ['auto', 'combo', 'theta', 'ets', 'arima', 'snaive'];

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'Forecast monthly revenue series (long format or SA Treasury layout) with 80%/95% intervals',
  usage: '--input <csv> [--series NAME] --horizon H [--method combo|auto|theta|ets|arima|snaive] [--json]',
  options: {
    input: { type: 'string' },
    series: { type: 'string' },
    horizon: { type: 'string' },
    method: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const input = requireString(ctx.values, 'input');
    // A bad horizon is reported per series (as the API does), so it is passed through unparsed.
    const horizon = requireString(ctx.values, 'horizon');
    const method = (stringOpt(ctx.values, 'method') ?? 'combo') as MethodName;
    if (!METHODS.includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);
    let text: string;
    try {
      text = await readFile(input, 'utf8');
    } catch (err) {
      throw new UserError(
        `cannot read --input ${input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    let series: ReturnType<typeof parseRevenueCsv>;
    try {
      series = parseRevenueCsv(text);
    } catch (err) {
      if (err instanceof ParseError) throw new UserError(`--input ${input}: ${err.message}`);
      throw err;
    }
    const wanted = stringOpt(ctx.values, 'series');
    if (wanted !== undefined) {
      const picked = series.filter((s) => s.name === wanted);
      if (picked.length === 0) {
        const names = series.map((s) => s.name);
        throw new UserError(
          `no series named "${wanted}" in ${input} (have: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''})`,
        );
      }
      series = picked;
    }
    ctx.log(`forecast: ${series.length} series, horizon ${horizon}, method ${method}`);
    const results = forecastSeries(series, horizon, { method });
    const failed = results.filter((r) => r.error);
    for (const r of failed) ctx.log(`  ${r.name}: ${r.error}`);
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ horizon: Number(horizon), series: results }));
    } else {
      for (const r of results) {
        if (r.error) continue;
        ctx.out(`${r.name}  (${r.method})`);
        for (const p of r.forecasts)
          ctx.out(
            `  ${p.period}  ${p.mean.toFixed(1)}  80% [${p.lo80.toFixed(1)}, ${p.hi80.toFixed(1)}]  95% [${p.lo95.toFixed(1)}, ${p.hi95.toFixed(1)}]`,
          );
      }
    }
    // Partial success is success; nothing forecast at all is a failure.
    return failed.length === results.length ? 1 : 0;
  },
};
