/**
 * Mirror analysis and revenue gap dashboard (the Shiny app's replacement).
 *
 * A plain ES module, no build step. It reads GET /v1/mirror and GET /v1/gap (shapes in
 * docs/mirror-gap.md) with the portal's bearer token and draws the charts with Vega-Lite through
 * vega-embed, whose UMD builds the page loads from /vendor/.
 *
 * The portal shell can mount it itself: mount(element, { fetchJson, apiBase }). Loaded by
 * mirror.html it mounts on #mirror-app.
 */

const TOKEN_KEYS = ['bacuda.token', 'bacuda.accessToken'];

/** The portal's access token: sessionStorage first, then localStorage (the shell decides where). */
function accessToken() {
  for (const store of [globalThis.sessionStorage, globalThis.localStorage]) {
    for (const key of TOKEN_KEYS) {
      const v = store?.getItem(key);
      if (v) return v;
    }
  }
  return null;
}

export function defaultFetchJson(apiBase = '') {
  return async (path) => {
    const headers = { accept: 'application/json' };
    const token = accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${apiBase}${path}`, { headers });
    if (res.status === 401 || res.status === 403) {
      throw new Error('Not signed in, or not allowed to see this data: sign in to the portal first.');
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.message ?? `${path}: HTTP ${res.status}`);
    return body;
  };
}

const money = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const dec = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

/** Table columns: key in MirrorPair, header, sort column (snake_case SQL name), formatter. */
const COLUMNS = [
  ['period', 'Period', 'period', String, 'text'],
  ['importerIso', 'Importer', 'importer_iso', (v, r) => v ?? r.importer, 'text'],
  ['exporterIso', 'Partner', 'exporter_iso', (v, r) => v ?? r.exporter, 'text'],
  ['product', 'HS', 'product', String, 'text'],
  ['importValue', 'Reported imports', 'import_value', money.format],
  ['exportValue', 'Mirror exports', 'export_value', money.format],
  ['adjustedExportValue', 'Mirror × CIF/FOB', 'adjusted_export_value', money.format],
  ['valueGap', 'Gap', 'value_gap', money.format],
  ['ratio', 'Ratio', 'ratio', dec.format],
  ['importUnitValue', 'UV imp. ($/kg)', 'import_unit_value', dec.format],
  ['exportUnitValue', 'UV exp. ($/kg)', 'export_unit_value', dec.format],
  ['quantityGap', 'Qty gap', 'quantity_gap', money.format],
  ['robustZ', 'Robust z', 'robust_z', dec.format],
  ['flagged', 'Flag', 'flagged', (v) => (v ? '⚑' : '')],
  ['potentialDutyLoss', 'Duty loss', 'potential_duty_loss', money.format],
];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function select(name, label, testId) {
  const s = el('select', { name, 'data-testid': testId }, el('option', { value: '' }, 'All'));
  return { label: el('label', {}, label, s), input: s };
}

function fillSelect(s, items, current) {
  const keep = current ?? s.value;
  s.replaceChildren(el('option', { value: '' }, 'All'));
  for (const { value, text } of items) s.append(el('option', { value }, text));
  s.value = items.some((i) => i.value === keep) ? keep : '';
}

function csvOf(rows) {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]);
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n');
}

export function scatterSpec(points, factor) {
  const values = points.map((p) => ({
    ...p,
    partner: p.exporterIso ?? p.exporter,
    status: p.flagged ? 'flagged' : 'normal',
  }));
  const max = Math.max(1, ...values.map((p) => Math.max(p.importValue, p.exportValue)));
  const min = Math.max(1, Math.min(...values.map((p) => Math.min(p.importValue, p.exportValue)), max));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 280,
    layer: [
      {
        data: {
          values: [
            { x: min, y: min * factor },
            { x: max, y: max * factor },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { type: 'log' } },
          y: { field: 'y', type: 'quantitative', scale: { type: 'log' } },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, opacity: 0.7 },
        encoding: {
          x: {
            field: 'exportValue',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'Mirror exports (US$, log)',
          },
          y: {
            field: 'importValue',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'Reported imports (US$, log)',
          },
          color: {
            field: 'status',
            type: 'nominal',
            scale: { domain: ['normal', 'flagged'], range: ['#4c78a8', '#d62728'] },
            title: null,
          },
          size: { condition: { test: 'datum.flagged', value: 60 }, value: 20 },
          tooltip: [
            { field: 'period' },
            { field: 'importerIso', title: 'importer' },
            { field: 'partner' },
            { field: 'product' },
            { field: 'importValue', format: ',.0f' },
            { field: 'exportValue', format: ',.0f' },
            { field: 'robustZ', format: '.2f' },
          ],
        },
      },
    ],
  };
}

export function topGapsSpec(rows) {
  const values = rows.map((r) => ({
    label: `${r.exporterIso ?? r.exporter} → ${r.importerIso ?? r.importer} ${r.product} ${r.period}`,
    gap: r.valueGap,
    flagged: r.flagged,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 280,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'label', type: 'nominal', sort: '-x', title: null },
      x: { field: 'gap', type: 'quantitative', title: 'Mirror × CIF/FOB − reported (US$)' },
      color: { condition: { test: 'datum.flagged', value: '#d62728' }, value: '#4c78a8' },
      tooltip: [{ field: 'label' }, { field: 'gap', format: ',.0f' }],
    },
  };
}

/** Waterfall bars: each step floats from the running total before it to the one after it. */
export function waterfallSpec(steps) {
  let level = 0;
  const values = steps.map((s, i) => {
    let start;
    let end;
    if (s.kind === 'total') {
      start = 0;
      end = s.amount;
      level = s.amount;
    } else {
      start = level;
      end = level + s.amount;
      level = end;
    }
    return { order: i, step: s.step, kind: s.kind, amount: s.amount, start, end };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 280,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'step', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: -20 } },
      y: { field: 'start', type: 'quantitative', title: 'US$' },
      y2: { field: 'end' },
      color: {
        field: 'kind',
        type: 'nominal',
        scale: { domain: ['total', 'decrease', 'increase'], range: ['#4c78a8', '#d62728', '#2ca02c'] },
        legend: null,
      },
      tooltip: [{ field: 'step' }, { field: 'amount', format: ',.0f' }],
    },
  };
}

async function draw(target, spec) {
  const embed = globalThis.vegaEmbed;
  if (typeof embed !== 'function') {
    target.replaceChildren(el('p', { class: 'status error' }, 'Charting library (vega-embed) not loaded.'));
    return;
  }
  await embed(target, spec, { actions: false, renderer: 'svg' });
}

export function mount(root, options = {}) {
  const apiBase = options.apiBase ?? root.dataset?.apiBase ?? '';
  const fetchJson = options.fetchJson ?? defaultFetchJson(apiBase);
  const state = { sort: 'value_gap', order: 'desc', limit: 25, offset: 0 };

  const reporter = select('reporter', 'Importer (reporter)', 'filter-reporter');
  const partner = select('partner', 'Partner (exporter)', 'filter-partner');
  const product = select('product', 'Product (HS)', 'filter-product');
  const period = select('period', 'Period', 'filter-period');
  const cifFob = el('input', {
    name: 'cifFob',
    type: 'text',
    value: '1.10',
    size: 6,
    'data-testid': 'cif-fob',
  });
  const rate = el('input', {
    name: 'defaultRate',
    type: 'number',
    placeholder: 'tariffs only',
    min: 0,
    step: 'any',
    'data-testid': 'default-rate',
  });
  const status = el('div', { class: 'status', role: 'status', 'data-testid': 'status' });
  const cards = el('div', { class: 'cards', 'data-testid': 'cards' });
  const scatter = el('div', { class: 'chart-body', 'data-testid': 'chart-scatter' });
  const bars = el('div', { class: 'chart-body', 'data-testid': 'chart-top-gaps' });
  const waterfall = el('div', { class: 'chart-body', 'data-testid': 'chart-waterfall' });
  const thead = el('thead');
  const tbody = el('tbody', { 'data-testid': 'table-body' });
  const pageInfo = el('span', { 'data-testid': 'page-info' });
  const prev = el('button', { type: 'button', 'data-testid': 'prev' }, '◀ Previous');
  const next = el('button', { type: 'button', 'data-testid': 'next' }, 'Next ▶');
  const pageSize = el(
    'select',
    { 'data-testid': 'page-size' },
    ...[10, 25, 50, 100].map((n) => el('option', { value: n, selected: n === state.limit ? '' : null }, n)),
  );
  const download = el('button', { type: 'button', 'data-testid': 'download-csv' }, 'Download CSV');

  root.replaceChildren(
    el(
      'div',
      { class: 'mirror' },
      el('h1', {}, 'Mirror analysis and revenue gap'),
      el(
        'div',
        { class: 'filters' },
        reporter.label,
        partner.label,
        product.label,
        period.label,
        el('label', {}, 'CIF/FOB factor (or "estimate")', cifFob),
        el('label', {}, 'Default duty rate (%)', rate),
      ),
      status,
      cards,
      el(
        'div',
        { class: 'charts' },
        el('section', { class: 'chart' }, el('h2', {}, 'Reported vs mirror value (log-log)'), scatter),
        el('section', { class: 'chart' }, el('h2', {}, 'Largest gaps'), bars),
        el('section', { class: 'chart' }, el('h2', {}, 'Revenue gap'), waterfall),
      ),
      el('div', { class: 'pager' }, prev, pageInfo, next, el('label', {}, 'Rows ', pageSize), download),
      el('div', { style: 'overflow-x:auto' }, el('table', { 'data-testid': 'pairs-table' }, thead, tbody)),
    ),
  );

  function query(extra = {}) {
    const q = new URLSearchParams();
    for (const [k, input] of Object.entries({ reporter, partner, product, period })) {
      if (input.input.value) q.set(k, input.input.value);
    }
    if (cifFob.value.trim()) q.set('cifFob', cifFob.value.trim());
    if (rate.value.trim()) q.set('defaultRate', rate.value.trim());
    for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
    return q;
  }

  function renderHead() {
    thead.replaceChildren(
      el(
        'tr',
        {},
        ...COLUMNS.map(([, title, sortKey, , cls]) =>
          el(
            'th',
            {
              class: cls,
              'data-sort': sortKey,
              'aria-sort':
                state.sort === sortKey ? (state.order === 'asc' ? 'ascending' : 'descending') : null,
              onclick: () => {
                if (state.sort === sortKey) state.order = state.order === 'asc' ? 'desc' : 'asc';
                else {
                  state.sort = sortKey;
                  state.order = 'desc';
                }
                state.offset = 0;
                loadMirror({ chartsToo: false });
              },
            },
            title,
          ),
        ),
      ),
    );
  }

  function renderRows(rows) {
    tbody.replaceChildren(
      ...rows.map((r) =>
        el(
          'tr',
          { class: r.flagged ? 'flagged' : null },
          ...COLUMNS.map(([key, , , fmt, cls]) => {
            const v = r[key];
            return el('td', { class: cls }, v === null || v === undefined ? '' : fmt(v, r));
          }),
        ),
      ),
    );
  }

  function card(label, value, testId) {
    return el(
      'div',
      { class: 'card', 'data-testid': testId },
      el('div', { class: 'label' }, label),
      el('div', { class: 'value' }, value),
    );
  }

  let mirrorData = null;
  let gapData = null;
  function renderCards() {
    const s = mirrorData?.summary;
    const g = gapData?.totals;
    cards.replaceChildren(
      card('Pairs', s ? money.format(s.pairs) : '…', 'card-pairs'),
      card('Reported imports', s ? money.format(s.importsValue) : '…', 'card-imports'),
      card('Mirror exports', s ? money.format(s.mirrorExportsValue) : '…', 'card-exports'),
      card('Flagged pairs', s ? money.format(s.flagged) : '…', 'card-flagged'),
      card('Potential revenue', g ? money.format(g.potential) : '…', 'card-potential'),
      card('Revenue gap', g ? money.format(g.gap) : '…', 'card-gap'),
    );
  }

  let seq = 0;
  async function loadMirror({ chartsToo }) {
    const mine = ++seq;
    status.className = 'status';
    status.textContent = 'Loading…';
    try {
      const data = await fetchJson(
        `/v1/mirror?${query({ sort: state.sort, order: state.order, limit: state.limit, offset: state.offset })}`,
      );
      if (mine !== seq) return;
      mirrorData = data;
      const o = data.options;
      fillSelect(
        reporter.input,
        o.reporters.map((c) => ({ value: c.iso ?? c.code, text: c.iso ?? c.code })),
        data.filters.reporter,
      );
      fillSelect(
        partner.input,
        o.partners.map((c) => ({ value: c.iso ?? c.code, text: c.iso ?? c.code })),
        data.filters.partner,
      );
      fillSelect(
        product.input,
        o.products.map((p) => ({ value: p, text: p })),
        data.filters.product,
      );
      fillSelect(
        period.input,
        o.periods.map((p) => ({ value: p, text: p })),
        data.filters.period,
      );
      renderHead();
      renderRows(data.rows);
      const { offset, limit, total } = data.page;
      pageInfo.textContent = total
        ? `${offset + 1}–${Math.min(offset + limit, total)} of ${total}`
        : 'no pairs';
      prev.disabled = offset === 0;
      next.disabled = offset + limit >= total;
      renderCards();
      if (chartsToo) {
        await Promise.all([
          draw(scatter, scatterSpec(data.scatter, data.settings.cifFobFactor)),
          draw(bars, topGapsSpec(data.topGaps)),
        ]);
      }
      status.textContent = `${money.format(data.summary.pairs)} pairs · CIF/FOB ${data.settings.cifFobFactor}${
        data.settings.cifFobEstimated ? ' (estimated)' : ''
      } · potential duty loss ${money2.format(data.summary.potentialDutyLoss)}`;
    } catch (err) {
      if (mine !== seq) return;
      status.className = 'status error';
      status.textContent = err.message;
    }
  }

  async function loadGap() {
    try {
      gapData = await fetchJson(`/v1/gap?${query()}`);
      renderCards();
      await draw(waterfall, waterfallSpec(gapData.waterfall));
    } catch (err) {
      waterfall.replaceChildren(el('p', { class: 'status error' }, err.message));
    }
  }

  function reload() {
    state.offset = 0;
    return Promise.all([loadMirror({ chartsToo: true }), loadGap()]);
  }

  for (const s of [reporter, partner, product, period]) s.input.addEventListener('change', reload);
  cifFob.addEventListener('change', reload);
  rate.addEventListener('change', reload);
  prev.addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - state.limit);
    loadMirror({ chartsToo: false });
  });
  next.addEventListener('click', () => {
    state.offset += state.limit;
    loadMirror({ chartsToo: false });
  });
  pageSize.addEventListener('change', () => {
    state.limit = Number(pageSize.value);
    state.offset = 0;
    loadMirror({ chartsToo: false });
  });
  download.addEventListener('click', async () => {
    try {
      status.textContent = 'Preparing CSV…';
      const all = await fetchJson(
        `/v1/mirror?${query({ sort: state.sort, order: state.order, limit: 100000, offset: 0 })}`,
      );
      const blob = new Blob([csvOf(all.rows)], { type: 'text/csv' });
      const a = el('a', { href: URL.createObjectURL(blob), download: 'mirror-pairs.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      status.textContent = `CSV with ${all.rows.length} pairs downloaded`;
    } catch (err) {
      status.className = 'status error';
      status.textContent = err.message;
    }
  });

  renderCards();
  const ready = reload();
  return { reload, ready };
}

const auto = globalThis.document?.getElementById('mirror-app');
if (auto) {
  const app = mount(auto);
  globalThis.mirrorDashboard = app;
}
