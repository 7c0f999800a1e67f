/**
 * What the fraud and forecast pages share with the other portal pages: the portal's bearer token (from
 * sessionStorage['bacuda.token'], written by the shell at sign-in), a JSON fetch that turns API errors into
 * readable messages, and a tiny element builder. Plain ES module, no build step.
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

/** fetchJson(path) → body; a 404 resolves to null so pages can say "nothing yet". */
export function defaultFetchJson(apiBase = '') {
  return async (path) => {
    const headers = { accept: 'application/json' };
    const token = accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${apiBase}${path}`, { headers });
    if (res.status === 401 || res.status === 403)
      throw new Error(
        'Not signed in, or not allowed to see this administration: sign in to the portal first.',
      );
    const body = await res.json().catch(() => null);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(body?.error?.message ?? `${path}: HTTP ${res.status}`);
    return body;
  };
}

export function el(tag, attrs = {}, ...children) {
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

/** ?administration=XAA on the page URL (analysts choose one; officials default to their own). */
export function administrationParam() {
  const v = new URLSearchParams(globalThis.location?.search ?? '').get('administration');
  return v && /^[A-Z]{2,8}$/.test(v) ? v : null;
}

export function table(columns, rows, testId) {
  return el(
    'table',
    { 'data-testid': testId },
    el('thead', {}, el('tr', {}, ...columns.map(([, title]) => el('th', {}, title)))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el('tr', {}, ...columns.map(([key, , fmt]) => el('td', {}, fmt ? fmt(r[key], r) : (r[key] ?? '—')))),
      ),
    ),
  );
}
