// The service's API: fetch with the bearer token, errors as ApiError with the server's
// Chinese message, uploads with progress, protected images as object URLs.

const KEY = 'signboard.session';

export const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || 'null');
    } catch {
      return null;
    }
  },
  set(s) {
    sessionStorage.setItem(KEY, JSON.stringify(s));
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function authHeaders() {
  const s = session.get();
  return s && s.token ? { Authorization: `Bearer ${s.token}` } : {};
}

/** A 401 ends the session everywhere on the page. */
function unauthorized() {
  if (session.get()) {
    session.clear();
    window.dispatchEvent(new CustomEvent('signboard:logout', { detail: { expired: true } }));
  }
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const e = body && body.error;
  if (e) return new ApiError(res.status, e.code, e.message, e.details);
  return new ApiError(res.status, 'http_' + res.status, `服务暂时不可用（${res.status}），请稍后再试`);
}

/**
 * Calls the API. `json` is sent as the body; `as` is 'json' (default), 'blob' or 'text'.
 */
export async function api(path, { method = 'GET', json, body, signal, as = 'json', headers = {} } = {}) {
  const h = { ...authHeaders(), ...headers };
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers: h, body, signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
  }
  if (res.status === 401) unauthorized();
  if (!res.ok) throw await errorFrom(res);
  if (as === 'blob') return res.blob();
  if (as === 'text') return res.text();
  return res.json();
}

/** Multipart POST through XMLHttpRequest, so the page can show upload progress. */
export function upload(path, formData, onProgress, headers = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    for (const [k, v] of Object.entries({ ...authHeaders(), ...headers })) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '网络连接失败，请检查网络后重试'));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 401) unauthorized();
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const e = body && body.error;
      reject(
        e
          ? new ApiError(xhr.status, e.code, e.message, e.details)
          : new ApiError(xhr.status, 'http_' + xhr.status, `提交失败（${xhr.status}），请稍后再试`),
      );
    };
    xhr.send(formData);
  });
}

/** Fetches a protected image (it needs the bearer header) and returns an object URL. */
export async function imageUrl(url) {
  const path = url.startsWith('/api/v1') ? url.slice('/api/v1'.length) : url;
  const blob = await api(path, { as: 'blob' });
  return URL.createObjectURL(blob);
}

export async function login(username, password) {
  const r = await api('/auth/login', { method: 'POST', json: { username, password } });
  session.set({ token: r.token, role: r.role, expires_at: r.expires_at, user: r.user });
  return r;
}

export function logout() {
  session.clear();
  window.dispatchEvent(new CustomEvent('signboard:logout', { detail: { expired: false } }));
}
