// The service's API: fetch with the bearer token, errors as ApiError with the server's
// Chinese message, uploads with progress, protected images as object URLs.
//
// The session lives in localStorage, so it is shared by every tab of the browser: a pasted or
// Ctrl-clicked link opens signed in, and logging out in one tab ends it in all of them (the
// `storage` event below). The strict Content-Security-Policy (scripts from our origin only,
// no inline script) is what keeps a token in web storage out of reach of injected code.

const KEY = 'signboard.session';
const RETURNING = 'signboard.returning';

export const session = {
  get() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || 'null');
    } catch {
      return null;
    }
  },
  set(s) {
    localStorage.setItem(KEY, JSON.stringify(s));
    localStorage.setItem(RETURNING, '1');
  },
  clear() {
    localStorage.removeItem(KEY);
  },
  /** Whether someone has signed in with this browser before (first-time users see 注册 first). */
  returning() {
    return localStorage.getItem(RETURNING) === '1';
  },
  /** Marks that the signed-in user has set a password of their own. */
  passwordChanged() {
    const s = this.get();
    if (s) this.set({ ...s, must_change_password: false });
  },
};

// Another tab logged in or out: follow it.
window.addEventListener('storage', (e) => {
  if (e.key !== KEY && e.key !== null) return;
  if (e.newValue === e.oldValue) return;
  const detail = { expired: false, elsewhere: true };
  window.dispatchEvent(new CustomEvent(e.newValue ? 'signboard:login' : 'signboard:logout', { detail }));
});

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

/**
 * A 401, or a 403 `account_disabled` (an administrator disabled the account), ends the session
 * everywhere; `message` is the server's reason, shown on the login form.
 */
function unauthorized(message = null) {
  if (session.get()) {
    session.clear();
    window.dispatchEvent(new CustomEvent('signboard:logout', { detail: { expired: true, message } }));
  }
}

function endsSession(status, code) {
  return status === 401 || (status === 403 && code === 'account_disabled');
}

/** The server wants a new password first (after an administrator reset it). */
function passwordRequired(status, code) {
  if (status !== 403 || code !== 'password_change_required') return;
  const s = session.get();
  if (s && !s.must_change_password) session.set({ ...s, must_change_password: true });
  window.dispatchEvent(new CustomEvent('signboard:password-required'));
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
  if (!res.ok) {
    const err = await errorFrom(res);
    if (endsSession(err.status, err.code)) unauthorized(err.status === 403 ? err.message : null);
    passwordRequired(err.status, err.code);
    throw err;
  }
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
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const e = body && body.error;
      if (endsSession(xhr.status, e && e.code)) unauthorized(xhr.status === 403 ? e.message : null);
      if (e) passwordRequired(xhr.status, e.code);
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
  session.set({
    token: r.token,
    role: r.role,
    expires_at: r.expires_at,
    user: r.user,
    must_change_password: Boolean(r.must_change_password || (r.user && r.user.must_change_password)),
  });
  return r;
}

/** Changes the signed-in user's own password. */
export async function changePassword(current, next) {
  await api('/me/password', { method: 'POST', json: { current_password: current, new_password: next }, as: 'text' });
  session.passwordChanged();
}

export function logout() {
  session.clear();
  window.dispatchEvent(new CustomEvent('signboard:logout', { detail: { expired: false } }));
}
