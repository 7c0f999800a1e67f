/**
 * Pipeline run history: a timeline of the weekly and upload-triggered runs and their stages.
 *
 * A plain ES module, no build step. It reads GET /v1/pipeline/runs (docs/pipeline.md) with the portal's bearer
 * token. The portal shell can mount it itself: mount(element, { fetchJson, apiBase }). Loaded by pipeline.html it
 * mounts on #pipeline-app.
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
    if (res.status === 401 || res.status === 403)
      throw new Error('Not signed in, or not allowed to see these runs: sign in to the portal first.');
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.message ?? `${path}: HTTP ${res.status}`);
    return body;
  };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'style') Object.assign(node.style, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
function duration(ms) {
  if (!(ms >= 0)) return '—';
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One run: its header, failure report, a lane per stage positioned on the run's own time axis, and outputs. */
export function renderRun(run) {
  const start = Date.parse(run.startedAt);
  const ends = run.stages.map((s) => Date.parse(s.endedAt ?? s.startedAt));
  const end = Math.max(Date.parse(run.endedAt ?? run.startedAt), ...ends, start + 1);
  const span = end - start;
  const header = el(
    'header',
    {},
    el('span', { class: `badge ${run.status}` }, run.status),
    el('strong', {}, run.administration),
    el('span', {}, run.kind === 'weekly' ? 'weekly run' : 'upload'),
    el('code', {}, run.runId),
    el('span', {}, `started ${time(run.startedAt)}`),
    el('span', {}, `took ${duration(end - start)}`),
    el('span', {}, run.attempt > 1 ? `attempt ${run.attempt} (re-driven)` : ''),
    el(
      'span',
      {},
      run.publishable ? `awaiting approval: ${run.approval?.status ?? 'pending'}` : 'not publishable',
    ),
  );
  const box = el('article', { class: 'run', 'data-run': run.runId }, header);
  if (run.failure)
    box.append(
      el(
        'p',
        { class: 'failure' },
        `Failed at ${run.failure.stage}: ${run.failure.error}: ${run.failure.cause}`,
      ),
    );
  const timeline = el('div', { class: 'timeline' });
  for (const s of run.stages) {
    const s0 = Date.parse(s.startedAt);
    const s1 = Date.parse(s.endedAt ?? run.endedAt ?? s.startedAt);
    const bar = el('span', {
      class: `bar ${s.status}`,
      title: `${s.stage}: ${s.status} in ${duration(s1 - s0)}${s.invocations > 1 ? `, ${s.invocations} invocations` : ''}${s.error ? ` — ${s.error.name}: ${s.error.message}` : ''}`,
      style: {
        left: `${((s0 - start) / span) * 100}%`,
        width: `${Math.max(((s1 - s0) / span) * 100, 0.3)}%`,
      },
    });
    timeline.append(
      el(
        'div',
        { class: 'lane', 'data-stage': s.stage },
        el('span', { class: 'name' }, s.stage),
        el('span', { class: 'track' }, bar),
      ),
    );
  }
  box.append(timeline);
  const outputs = Object.entries(run.outputs ?? {}).filter(([, v]) => v.length);
  if (outputs.length)
    box.append(
      el(
        'div',
        { class: 'outputs' },
        `Results: ${outputs.map(([k, v]) => `${k} → ${v.join(', ')}`).join('; ')}`,
      ),
    );
  return box;
}

export function mount(root, options = {}) {
  const apiBase = options.apiBase ?? root.dataset.apiBase ?? '';
  const fetchJson = options.fetchJson ?? defaultFetchJson(apiBase);
  const admin = el('input', { name: 'administration', placeholder: 'all you may see', size: '10' });
  const status = el(
    'select',
    { name: 'status' },
    el('option', { value: '' }, 'any'),
    el('option', { value: 'SUCCEEDED' }, 'succeeded'),
    el('option', { value: 'FAILED' }, 'failed'),
    el('option', { value: 'RUNNING' }, 'running'),
  );
  const form = el(
    'form',
    {},
    el('label', {}, 'Administration', admin),
    el('label', {}, 'Status', status),
    el('button', { type: 'submit' }, 'Show'),
  );
  const message = el('p', { class: 'status' });
  const list = el('section', { class: 'runs' });
  root.replaceChildren(el('h1', {}, 'Pipeline runs'), form, message, list);

  async function reload() {
    const q = new URLSearchParams({ limit: '20' });
    if (admin.value.trim()) q.set('administration', admin.value.trim().toUpperCase());
    if (status.value) q.set('status', status.value);
    message.className = 'status';
    message.textContent = 'Loading…';
    try {
      const { runs } = await fetchJson(`/v1/pipeline/runs?${q}`);
      list.replaceChildren(...runs.map(renderRun));
      message.textContent = runs.length ? `${runs.length} run(s), newest first` : 'No runs yet.';
    } catch (err) {
      message.className = 'status error';
      message.textContent = err.message;
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });
  const ready = reload();
  return { reload, ready };
}

const auto = globalThis.document?.getElementById('pipeline-app');
if (auto) globalThis.pipelineRuns = mount(auto);
