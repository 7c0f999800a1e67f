import { AccuracyAccumulator } from './metrics.ts';
import { fitSnaive } from './models/snaive.ts';
import { type EngineOptions, forecastOne } from './select.ts';
import type { MethodName } from './types.ts';

export interface EvalTask {
  train: number[];
  test: number[];
}

/** Forecasts each task's test span from its train span and scores it (sMAPE, MASE, coverage95). */
export function evaluateTasks(tasks: EvalTask[], method: MethodName, o: EngineOptions): AccuracyAccumulator {
  const acc = new AccuracyAccumulator();
  for (const t of tasks) {
    const y = Float64Array.from(t.train);
    const h = t.test.length;
    if (h === 0) continue;
    let f: ReturnType<typeof forecastOne>['forecast'];
    try {
      f = forecastOne(y, h, method, o).forecast;
    } catch {
      // Never drop a series from the score: fall back to the seasonal naive forecast.
      f = fitSnaive(y, o.m).forecast(h);
    }
    acc.add(y, t.test, f, o.m);
  }
  return acc;
}
