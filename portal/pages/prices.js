/**
 * Valuation flags: declaration items whose declared unit value is far below the market prices observed online,
 * with the evidence (page URLs, prices, dates). Reads GET /v1/prices/flags (docs/prices.md) for the signed-in
 * administration with the portal's bearer token.
 *
 * A plain ES module, no build step (CSP script-src 'self'). The portal shell can mount it itself:
 * mount(element, { fetchJson }). Loaded by prices.html it mounts on #prices-app.
 */

const TOKEN_KEYS = ['bacuda.token', 'bacuda.accessToken'];

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
    if (res.status === 401) throw new Error('Not signed in: sign in to the portal first.');
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.message ?? `${path}: HTTP ${res.status}`);
    return body;
  };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const money = (x) =>
  typeof x === 'number' ? x.toLocaleString(undefined, { maximumFractionDigits: 2 }) : String(x ?? '—');

/** Only http(s) links: a page URL comes from a crawled shop, never trusted as a javascript: link. */
function link(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:')
      return el('a', { href: u.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, url);
  } catch {
    // not a URL: shown as text
  }
  return document.createTextNode(String(url));
}

/** One flag: the item, its declared unit value against the market, and the cheapest observations as evidence. */
export function renderFlag(f) {
  const evidence = el(
    'ul',
    { class: 'evidence' },
    ...f.evidence.map((e) =>
      el('li', {}, `${e.date} · ${e.price} ${e.currency ?? ''} = ${money(e.convertedPrice)} · `, link(e.url)),
    ),
  );
  return el(
    'tr',
    { 'data-declaration': f.declarationId },
    el('td', {}, `${f.declarationId} #${f.itemNumber}`),
    el('td', {}, f.date),
    el('td', {}, f.hsCode, f.productKey ? ` (${f.productKey})` : ''),
    el('td', { class: 'num' }, money(f.declaredUnitValue)),
    el('td', { class: 'num' }, money(f.threshold)),
    el('td', { class: 'num' }, `${money(f.market.median)} (n=${f.market.n}, ${f.market.matchedBy})`),
    el('td', { class: 'num ratio' }, f.ratio.toFixed(3)),
    el('td', {}, evidence),
  );
}

export function renderFlags(body) {
  const s = body.settings;
  const summary = el(
    'p',
    { class: 'status', id: 'prices-summary' },
    `${body.administration}: ${body.declarations} item(s) with market data, ${body.checked} checked, ` +
      `${body.unmatched} with too few observations, ${body.flagged} flagged ` +
      `(below ${s.fraction} × the market's ${Math.round(s.lowQuantile * 100)}th percentile, ` +
      `at least ${s.minObservations} observations within ±${s.windowDays} days).`,
  );
  if (body.flags.length === 0) return [summary, el('p', { class: 'status' }, 'No valuation flags.')];
  const head = el(
    'tr',
    {},
    ...[
      'Declaration item',
      'Date',
      'HS code',
      'Declared unit value',
      'Threshold',
      'Market median',
      'Ratio',
      'Evidence (cheapest observations)',
    ].map((h) => el('th', {}, h)),
  );
  const table = el(
    'table',
    { id: 'prices-flags' },
    el('thead', {}, head),
    el('tbody', {}, ...body.flags.map(renderFlag)),
  );
  return [summary, table];
}

export function mount(root, { fetchJson = defaultFetchJson(root.dataset.apiBase ?? '') } = {}) {
  const field = (name, label, type, attrs = {}) =>
    el('label', {}, label, el('input', { name, type, ...attrs }));
  const form = el(
    'form',
    {},
    field('from', 'From', 'date'),
    field('to', 'To', 'date'),
    field('hsPrefix', 'HS prefix', 'text', { pattern: '\\d{2,10}', inputmode: 'numeric' }),
    field('fraction', 'Fraction of low quantile', 'number', {
      step: '0.05',
      min: '0.05',
      max: '10',
      placeholder: '0.5',
    }),
    el('button', { type: 'submit' }, 'Show flags'),
  );
  const out = el('div', {});
  root.replaceChildren(el('h1', {}, 'Valuation flags: declared values far below market prices'), form, out);
  const load = async () => {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v) !== '') params.set(k, String(v));
    out.replaceChildren(el('p', { class: 'status' }, 'Loading…'));
    try {
      const body = await fetchJson(`/v1/prices/flags${params.size ? `?${params}` : ''}`);
      out.replaceChildren(...renderFlags(body));
    } catch (err) {
      out.replaceChildren(el('p', { class: 'status error' }, err.message));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  return load();
}

const root = globalThis.document?.getElementById('prices-app');
if (root) mount(root);
