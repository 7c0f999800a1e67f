/** A monthly series as the forecaster receives it. */
export interface InputSeries {
  name: string;
  /** First month, 'YYYY-MM'. */
  start: string;
  /** One value per month from `start`; null/NaN marks a missing month. */
  values: (number | null)[];
  /** A problem found while reading the series (e.g. a month given twice); it is then not forecast. */
  error?: string;
}

export interface ForecastPoint {
  period: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface SeriesForecast {
  name: string;
  /** The method whose forecasts are returned, e.g. "combo" or "ets:MAdM". */
  method?: string;
  forecasts: ForecastPoint[];
  /** Set when this series could not be forecast; `forecasts` is then empty. */
  error?: string;
  /** Rolling-origin backtest MASE of each candidate (lower is better), when a backtest ran. */
  backtest?: Record<string, number>;
}

/** Point forecasts and interval bounds for steps 1..h. */
export interface ModelForecast {
  mean: Float64Array;
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
}

export interface FittedModel {
  /** e.g. "theta", "ets:MAdM", "arima(1,1,0)+drift" */
  method: string;
  forecast(h: number): ModelForecast;
  /**
   * Point forecasts from the end of `y` (the fitted data extended by later observations, same start)
   * with the parameters kept fixed: what rolling-origin evaluation needs without refitting.
   */
  forecastFrom(y: Float64Array, h: number): Float64Array;
}

export type MethodName = 'auto' | 'combo' | 'theta' | 'ets' | 'arima' | 'snaive';

export interface ForecastOptions {
  /** Seasonal period (12 for monthly). */
  period?: number;
  /** 'combo' (default) = weighted theta/ETS/ARIMA combination; 'auto' = choose by rolling-origin backtest. */
  method?: MethodName;
  /** Shortest series accepted. */
  minLength?: number;
  /** Seed for simulated intervals (multiplicative ETS). */
  seed?: number;
}
