/**
 * Revenue forecast page: a fan chart of a series' history and forecast with 80% and 95% prediction intervals,
 * and the early-warning list (months whose collections fell below the previous forecast's 80% interval).
 *
 * Reads GET /v1/forecasts (docs/forecast.md) with the portal's bearer token. mount(element, { fetchJson, apiBase,
 * administration }); loaded by forecast.html it mounts on #forecast-app and exposes globalThis.forecastPage =
 * { ready } (tests wait on it).
 */
import { administrationParam, defaultFetchJson, el, table } from './series-page.js';
import { lineChart } from './svg-chart.js';

const money = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** The fan chart's columns: history months then forecast months, with the bands on the forecast months only. */
export function fanData(series) {
  const x = [...series.history.map((h) => h.period), ...series.forecasts.map((f) => f.period)];
  const nh = series.history.length;
  const pad = (arr) => [...Array(nh).fill(null), ...arr];
  const last = series.history[nh - 1]?.value ?? null;
  // The forecast line starts at the last actual so the two lines join.
  const mean = [
    ...Array(Math.max(0, nh - 1)).fill(null),
    ...(nh ? [last] : []),
    ...series.forecasts.map((f) => f.mean),
  ];
  return {
    x,
    actual: [...series.history.map((h) => h.value), ...series.forecasts.map(() => null)],
    mean,
    lo80: pad(series.forecasts.map((f) => f.lo80)),
    hi80: pad(series.forecasts.map((f) => f.hi80)),
    lo95: pad(series.forecasts.map((f) => f.lo95)),
    hi95: pad(series.forecasts.map((f) => f.hi95)),
  };
}

export function mount(root, options = {}) {
  const apiBase = options.apiBase ?? root.dataset?.apiBase ?? '';
  const fetchJson = options.fetchJson ?? defaultFetchJson(apiBase);
  const admin = options.administration ?? administrationParam();
  const status = el('div', { class: 'status', role: 'status', 'data-testid': 'status' }, 'Loading…');
  const info = el('p', { 'data-testid': 'forecast-info' });
  const picker = el('select', { name: 'series', 'data-testid': 'series-select' });
  const chart = el('div', { class: 'chart', 'data-testid': 'chart-fan' });
  const warnings = el('div', { class: 'scroll', 'data-testid': 'early-warnings' });
  const forecastTable = el('div', { class: 'scroll', 'data-testid': 'forecast-values' });
  root.replaceChildren(
    el('h1', {}, 'Customs revenue forecast'),
    status,
    info,
    el('div', { class: 'controls' }, el('label', {}, 'Series', picker)),
    chart,
    el(
      'div',
      { class: 'legend' },
      el('span', { style: '--c:#1d2733' }, 'actual'),
      el('span', { style: '--c:#4c78a8' }, 'forecast'),
      el('span', { style: '--c:#4c78a8;--o:0.35' }, '80% interval'),
      el('span', { style: '--c:#4c78a8;--o:0.15' }, '95% interval'),
    ),
    el('h2', {}, 'Early warnings'),
    warnings,
    el('h2', {}, 'Forecast values'),
    forecastTable,
  );
  let data = null;

  function draw() {
    const series = data.series.find((s) => s.name === picker.value) ?? data.series[0];
    if (!series) {
      chart.replaceChildren(el('p', {}, 'No series in this forecast.'));
      return;
    }
    const f = fanData(series);
    chart.replaceChildren(
      lineChart({
        x: f.x,
        lines: [
          { name: 'actual', color: '#1d2733', values: f.actual },
          { name: 'forecast', color: '#4c78a8', values: f.mean, dash: '5 3' },
        ],
        bands: [
          { name: '95% interval', color: '#4c78a8', opacity: 0.15, lo: f.lo95, hi: f.hi95 },
          { name: '80% interval', color: '#4c78a8', opacity: 0.35, lo: f.lo80, hi: f.hi80 },
        ],
        yFormat: (v) =>
          new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(v),
        label: `forecast fan chart of ${series.name}`,
      }),
    );
    forecastTable.replaceChildren(
      table(
        [
          ['period', 'Month'],
          ['mean', 'Forecast', money.format],
          ['lo80', '80% low', money.format],
          ['hi80', '80% high', money.format],
          ['lo95', '95% low', money.format],
          ['hi95', '95% high', money.format],
        ],
        series.forecasts,
        'forecast-table',
      ),
    );
    const own = data.earlyWarnings.filter((w) => w.series === series.name);
    warnings.replaceChildren(
      own.length
        ? table(
            [
              ['period', 'Month'],
              ['actual', 'Collected', money.format],
              ['expected', 'Forecast', money.format],
              ['lo80', '80% low', money.format],
              ['shortfall', 'Below forecast by', (v) => el('span', { class: 'warn' }, money.format(v))],
            ],
            own,
            'warnings-table',
          )
        : el(
            'p',
            { 'data-testid': 'no-warnings' },
            'No month fell below the 80% interval of the previous forecast.',
          ),
    );
  }

  picker.addEventListener('change', draw);

  const ready = (async () => {
    try {
      data = await fetchJson(`/v1/forecasts${admin ? `?administration=${admin}` : ''}`);
      if (!data) {
        status.textContent = 'No forecasts for this administration yet.';
        return;
      }
      info.textContent = `Forecast ${data.resultId} (${data.status}), made ${new Date(data.createdAt).toLocaleString()}.`;
      picker.replaceChildren(
        ...data.series.map((s) =>
          el('option', { value: s.name }, s.method ? `${s.name} (${s.method})` : s.name),
        ),
      );
      draw();
      status.textContent = '';
    } catch (err) {
      status.textContent = err.message;
      status.classList.add('error');
    }
  })();
  return { ready };
}

const auto = globalThis.document?.getElementById('forecast-app');
if (auto) globalThis.forecastPage = mount(auto);
