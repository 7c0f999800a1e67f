import { naiveScale } from './select.ts';
import type { ModelForecast } from './types.ts';

/** Accumulates the M-competition accuracy measures over many series. */
export class AccuracyAccumulator {
  private smapeSum = 0;
  private smapeN = 0;
  private maseSum = 0;
  private maseN = 0;
  private covered = 0;
  private coverN = 0;
  series = 0;

  /** `train` gives the MASE scale (in-sample seasonal-naive MAE with period m). */
  add(
    train: ArrayLike<number>,
    test: ArrayLike<number>,
    f: Pick<ModelForecast, 'mean'> & Partial<ModelForecast>,
    m = 12,
  ): void {
    const scale = naiveScale(train, m);
    let maseS = 0;
    for (let i = 0; i < test.length; i++) {
      const y = test[i];
      const p = f.mean[i];
      const den = Math.abs(y) + Math.abs(p);
      this.smapeSum += den > 0 ? (200 * Math.abs(y - p)) / den : 0;
      this.smapeN++;
      maseS += Math.abs(y - p);
      if (f.lo95 && f.hi95) {
        if (y >= f.lo95[i] && y <= f.hi95[i]) this.covered++;
        this.coverN++;
      }
    }
    if (scale > 0) {
      this.maseSum += maseS / test.length / scale;
      this.maseN++;
    }
    this.series++;
  }

  merge(o: AccuracyAccumulator): void {
    this.smapeSum += o.smapeSum;
    this.smapeN += o.smapeN;
    this.maseSum += o.maseSum;
    this.maseN += o.maseN;
    this.covered += o.covered;
    this.coverN += o.coverN;
    this.series += o.series;
  }

  toJSON() {
    return {
      series: this.series,
      smape: this.smapeN ? this.smapeSum / this.smapeN : Number.NaN,
      mase: this.maseN ? this.maseSum / this.maseN : Number.NaN,
      coverage95: this.coverN ? this.covered / this.coverN : Number.NaN,
    };
  }

  /** Plain-object state, for passing between worker threads. */
  state() {
    return { ...this };
  }

  static from(state: ReturnType<AccuracyAccumulator['state']>): AccuracyAccumulator {
    return Object.assign(new AccuracyAccumulator(), state);
  }
}
