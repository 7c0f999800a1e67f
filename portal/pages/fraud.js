/**
 * Fraud detection page: the current model's precision/recall at inspection rate k (time-ordered holdout metrics
 * stored with the model), its feature importances, and the latest batch selection list.
 *
 * Reads GET /v1/fraud/models and GET /v1/fraud/selections (docs/fraud.md) with the portal's bearer token.
 * mount(element, { fetchJson, apiBase, administration }); loaded by fraud.html it mounts on #fraud-app and
 * exposes globalThis.fraudPage = { ready } (tests wait on it).
 */
import { administrationParam, defaultFetchJson, el, table } from './series-page.js';
import { barChart, lineChart } from './svg-chart.js';

const K = [1, 2, 5, 10];
const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(3));

/** Precision and recall at k% from a version's holdout metrics (nulls where undefined). */
export function atK(holdout) {
  return {
    precision: K.map((k) => holdout?.[`precision@${k}`] ?? null),
    recall: K.map((k) => holdout?.[`recall@${k}`] ?? null),
    revenue: K.map((k) => holdout?.[`revenue@${k}`] ?? null),
  };
}

function legend(items) {
  return el(
    'div',
    { class: 'legend' },
    ...items.map(([name, color]) => el('span', { style: `--c:${color}` }, name)),
  );
}

export function mount(root, options = {}) {
  const apiBase = options.apiBase ?? root.dataset?.apiBase ?? '';
  const fetchJson = options.fetchJson ?? defaultFetchJson(apiBase);
  const admin = options.administration ?? administrationParam();
  const q = admin ? `?administration=${admin}` : '';
  const status = el('div', { class: 'status', role: 'status', 'data-testid': 'status' }, 'Loading…');
  const model = el('div', { 'data-testid': 'model-info' });
  const curve = el('div', { class: 'chart', 'data-testid': 'chart-pr-at-k' });
  const importances = el('div', { class: 'chart', 'data-testid': 'chart-importances' });
  const selection = el('div', { class: 'scroll', 'data-testid': 'selection' });
  root.replaceChildren(
    el('h1', {}, 'Customs fraud detection'),
    status,
    model,
    el('h2', {}, 'Precision and recall at inspection rate k'),
    curve,
    el('h2', {}, 'Latest selection list'),
    selection,
    el('h2', {}, 'Feature importances'),
    importances,
  );

  async function loadModels() {
    const res = await fetchJson(`/v1/fraud/models${q}`);
    const current = res?.versions?.find((v) => v.current) ?? null;
    if (!current) {
      model.replaceChildren(el('p', {}, 'No promoted fraud model yet for this administration.'));
      curve.replaceChildren();
      importances.replaceChildren();
      return;
    }
    model.replaceChildren(
      el(
        'p',
        {},
        `Model ${current.version}`,
        current.trainedAt ? `, trained ${new Date(current.trainedAt).toLocaleString()}` : '',
        current.trainRows ? ` on ${current.trainRows.toLocaleString()} declarations` : '',
        current.holdout?.rocAuc != null ? ` · holdout ROC-AUC ${num(current.holdout.rocAuc)}` : '',
        current.holdout?.prAuc != null ? ` · PR-AUC ${num(current.holdout.prAuc)}` : '',
      ),
    );
    const m = atK(current.holdout);
    if (m.precision.every((v) => v === null) && m.recall.every((v) => v === null)) {
      curve.replaceChildren(el('p', {}, 'This model was stored without holdout metrics.'));
    } else {
      const lines = [
        { name: 'precision@k', color: '#4c78a8', values: m.precision, points: true },
        { name: 'recall@k', color: '#f58518', values: m.recall, points: true },
      ];
      if (m.revenue.some((v) => v !== null))
        lines.push({ name: 'revenue@k', color: '#54a24b', values: m.revenue, points: true, dash: '4 3' });
      curve.replaceChildren(
        lineChart({
          x: K.map((k) => `${k}%`),
          lines,
          yDomain: [0, 1],
          yFormat: (v) => `${Math.round(v * 100)}%`,
          xTitle: 'share of declarations inspected (k)',
          label: 'precision and recall at k',
        }),
        legend(lines.map((l) => [l.name, l.color])),
        table(
          [
            ['k', 'k'],
            ['precision', 'precision@k', pct],
            ['recall', 'recall@k', pct],
            ['revenue', 'revenue@k', pct],
          ],
          K.map((k, i) => ({
            k: `${k}%`,
            precision: m.precision[i],
            recall: m.recall[i],
            revenue: m.revenue[i],
          })),
          'pr-at-k-table',
        ),
      );
    }
    const top = Object.entries(current.importances ?? {})
      .map(([label, value]) => ({ label, value }))
      .filter((i) => i.value > 0)
      .sort((a, b) => b.value - a.value)
      .slice(0, 15);
    importances.replaceChildren(
      top.length
        ? barChart(top, { label: 'feature importances', format: (v) => `${(v * 100).toFixed(1)}%` })
        : el('p', {}, 'No importances stored with this model.'),
    );
  }

  async function loadSelection() {
    const res = await fetchJson(`/v1/fraud/selections${q}${q ? '&' : '?'}limit=200`);
    if (!res) {
      selection.replaceChildren(
        el('p', {}, 'No batch selection yet: one is made when a declarations upload is scored.'),
      );
      return;
    }
    selection.replaceChildren(
      el(
        'p',
        {},
        `Run ${res.runId} (${res.status}), ${res.total} declarations selected`,
        res.kPercent != null ? ` at k = ${res.kPercent}%` : '',
        res.total > res.items.length ? `; the first ${res.items.length} by priority are shown` : '',
        '.',
      ),
      table(
        [
          ['position', '#'],
          ['declarationId', 'Declaration'],
          ['itemNumber', 'Item'],
          ['date', 'Date'],
          ['partition', 'Month'],
          ['score', 'P(fraud)', num],
          ['priority', 'Priority', num],
          ['reason', 'Why', (v) => v ?? 'ranking'],
        ],
        res.items.map((r, i) => ({ ...r, position: i + 1 })),
        'selection-table',
      ),
    );
  }

  const ready = Promise.allSettled([loadModels(), loadSelection()]).then((results) => {
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => r.reason?.message ?? String(r.reason));
    status.textContent = failed.length ? failed.join(' · ') : '';
    status.classList.toggle('error', failed.length > 0);
  });
  return { ready };
}

const auto = globalThis.document?.getElementById('fraud-app');
if (auto) globalThis.fraudPage = mount(auto);
