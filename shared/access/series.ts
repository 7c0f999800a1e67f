/** The five BACUDA Series, as the catalogue presents them. `id` is the folder name under results/<ADMIN>/. */
export const SERIES = [
  {
    id: 'mirror',
    name: 'Mirror Data Analysis',
    objective:
      'Find trade flows where what was declared at import does not match what the partner reported at export.',
    method:
      'For each product and period we set what your country says it imported from a partner against what that partner says it exported to you (UN Comtrade-style mirror statistics). Imports are normally valued CIF and exports FOB, so a modest gap is expected; the analysis adjusts for that margin and ranks the remaining gaps. Large, persistent gaps point to undervaluation, misdeclared origin or product, or goods entering without a declaration.',
    outputs:
      'Gap tables by partner, product and year, with the value and quantity differences and their ranking.',
  },
  {
    id: 'forecast',
    name: 'Forecasting Customs Revenue',
    objective:
      'Forecast monthly revenue (duties, import VAT, excise) for budgeting and to spot collection drops early.',
    method:
      'Monthly totals are built from your declarations. Several standard forecasting models (seasonal naive, exponential smoothing, ARIMA, Theta and their combination) are tried on the past, each is scored on how well it would have forecast months it had not seen, and the best is used. Every forecast comes with an interval: the range the revenue should fall in 80 or 95 times out of 100. Actual revenue falling below the interval is an early warning.',
    outputs:
      'Forecasts with 80% and 95% intervals per revenue line, and the back-test accuracy of each model.',
  },
  {
    id: 'gap',
    name: 'Revenue Gap Analysis',
    objective: 'Estimate the revenue that should have been collected and was not, and why.',
    method:
      'Potential revenue is the true trade value (estimated from mirror statistics) times the statutory tax rates; collected revenue is what the declarations paid. The difference is split into three parts: valuation (goods declared below their value), volume (goods not declared at all) and rate (goods declared under a lower-taxed tariff line).',
    outputs: 'The revenue gap in money, by product and partner, split into valuation, volume and rate parts.',
  },
  {
    id: 'prices',
    name: 'Web Scraping of Price Data',
    objective: 'Check declared unit values against prices observed in online shops, for customs valuation.',
    method:
      'Product pages of online shops are collected politely (respecting robots.txt) and the price, currency and product identity are extracted from each page. Prices are converted with your exchange rates and compared with the unit values declared for the same products. Declarations far below market prices are flagged for valuation control.',
    outputs:
      'Market price observations and a list of declarations whose declared value is far below market price.',
  },
  {
    id: 'fraud',
    name: 'Customs Fraud Detection by Machine Learning with Random Forest',
    objective:
      'Rank incoming declarations so a fixed inspection budget catches the most fraud and recovers the most revenue.',
    method:
      'A random forest (many decision trees that vote) learns from past inspection outcomes which combinations of importer, declarant, product, origin, office and value are risky. Each new declaration gets a fraud score and the main factors behind it. Inspecting the top k% by score is compared with random selection: the curve shows how much fraud and revenue each extra percent of inspections recovers.',
    outputs:
      'Scores and a selection list per upload, precision and recall at each inspection rate, and feature importances.',
  },
] as const;

export type SeriesId = (typeof SERIES)[number]['id'];

export const SERIES_IDS = SERIES.map((s) => s.id) as [SeriesId, ...SeriesId[]];

export function isSeriesId(s: string): s is SeriesId {
  return (SERIES_IDS as string[]).includes(s);
}
