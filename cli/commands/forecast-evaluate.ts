import { readFile } from 'node:fs/promises';
import { evaluateParallel } from '../../shared/forecast/parallel.ts';
import { ParseError, parseM3 } from '../../shared/forecast/parse.ts';
import type { MethodName } from '../../shared/forecast/types.ts';
import { type Command, requireString, stringOpt, UsageError, UserError } from '../command.ts';

const METHODS = ['auto', 'combo', 'theta', 'ets', 'arima', 'snaive'];

async function readM3(path: string, flag: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read --${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return parseM3(text);
  } catch (err) {
    if (err instanceof ParseError) throw new UserError(`--${flag} ${path}: ${err.message}`);
    throw err;
  }
}

export const forecastEvaluateCommand: Command = {
  name: 'forecast evaluate',
  summary: 'Score forecasts of M3-layout series against held-out values (sMAPE, MASE, 95% coverage)',
  usage: '--train <csv> --test <csv> [--method combo|auto|theta|ets|arima|snaive] [--workers N] [--json]',
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    method: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const t0 = performance.now();
    const method = (stringOpt(ctx.values, 'method') ?? 'combo') as MethodName;
    if (!METHODS.includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);
    const workersRaw = stringOpt(ctx.values, 'workers');
    const workers = workersRaw === undefined ? undefined : Number(workersRaw);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
      throw new UsageError('--workers must be a positive integer');
    const train = await readM3(requireString(ctx.values, 'train'), 'train');
    const test = await readM3(requireString(ctx.values, 'test'), 'test');
    const testBy = new Map(test.map((r) => [r.series, r]));
    const tasks = train.map((r) => {
      const t = testBy.get(r.series);
      if (!t) throw new UserError(`series ${r.series} is in --train but not in --test`);
      return { train: r.values, test: t.values };
    });
    ctx.log(`forecast evaluate: ${tasks.length} series, method ${method}`);
    let lastPct = -1;
    const acc = await evaluateParallel(
      tasks,
      method,
      { m: 12, seed: 1 },
      {
        workers,
        signal: ctx.signal,
        onProgress: (done, total) => {
          const pct = Math.floor((100 * done) / total / 10) * 10;
          if (pct !== lastPct) {
            lastPct = pct;
            ctx.log(`  ${done}/${total} series`);
          }
        },
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    const result = { ...acc.toJSON(), method, seconds: Math.round(seconds * 1000) / 1000 };
    if (ctx.values.json) ctx.out(JSON.stringify(result));
    else
      ctx.out(
        `series ${result.series}  sMAPE ${result.smape.toFixed(3)}  MASE ${result.mase.toFixed(4)}  coverage95 ${result.coverage95.toFixed(4)}  ${result.seconds} s`,
      );
    return 0;
  },
};
