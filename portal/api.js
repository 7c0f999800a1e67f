/** The portal's session and its calls to the API. The token lives in sessionStorage (gone with the tab). */
const TOKEN_KEY = 'bacuda.token';
const USER_KEY = 'bacuda.user';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) ?? 'null');
    } catch {
      return null;
    }
  },
  set(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the API with the session's token; JSON in, JSON out; errors become ApiError with the API's code. */
export async function api(method, path, body, { query } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const headers = { accept: 'application/json' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    if (res.status === 401 && session.token) {
      session.clear();
      location.hash = '#/login';
    }
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'error',
      json?.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return json ?? text;
}

/** PUTs a file with upload progress (fetch has no upload progress events; XMLHttpRequest does). */
export function putWithProgress(url, file, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers ?? {})) xhr.setRequestHeader(k, v);
    // Presigned S3 URLs must not carry our bearer token; the local API needs it.
    if (session.token && url.startsWith('/'))
      xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      xhr.status < 300
        ? resolve()
        : reject(new Error(parseError(xhr.responseText) ?? `upload failed: HTTP ${xhr.status}`));
    xhr.onerror = () => reject(new Error('upload failed: network error'));
    xhr.send(file);
  });
}

function parseError(text) {
  try {
    return JSON.parse(text)?.error?.message;
  } catch {
    return null;
  }
}

/** Login: the local issuer's endpoint locally; in the cloud config.json names the Cognito hosted UI. */
export async function loginLocal(username, password) {
  const res = await fetch('/local/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok)
    throw new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? 'login failed');
  session.set(json.token, json.user);
  return json.user;
}
