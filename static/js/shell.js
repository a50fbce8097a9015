// The frame every page shares: the signed-in user with "change password" and logout buttons,
// the session ending on a 401, a logout or a logout in another tab, the forced password change
// after an administrator's reset, and the safe return to the page asked for before login.

import { session, logout, changePassword } from './api.js';
import { h, replace, heading, notice, nextId } from './dom.js';
import { ROLE } from './labels.js';
import { inboxButton } from './notify.js';

export function renderUserBox(onChange) {
  const box = document.getElementById('userbox');
  if (!box) return;
  const s = session.get();
  if (!s) {
    box.replaceChildren();
    return;
  }
  replace(
    box,
    h('span', { class: 'who' }, h('span', { text: s.user.display_name || s.user.username }), h('span', { class: 'role', text: ROLE[s.role] || s.role })),
    inboxButton(),
    s.must_change_password ? null : h('button', { type: 'button', class: 'small', text: '修改密码', onclick: openPasswordDialog }),
    h('button', { type: 'button', class: 'small', text: '退出登录', onclick: () => logout() }),
  );
  if (onChange) onChange();
}

/**
 * Runs `onLogout(expired, message)` whenever the session ends (here or in another tab);
 * `message` is the server's reason when it gave one (a disabled account).
 */
export function onSessionEnd(onLogout) {
  window.addEventListener('signboard:logout', (e) => {
    closePasswordDialog();
    renderUserBox();
    onLogout(Boolean(e.detail && e.detail.expired), (e.detail && e.detail.message) || null);
  });
}

/** Runs `onLogin()` when someone logs in in another tab of this browser. */
export function onSessionStart(onLogin) {
  window.addEventListener('signboard:login', () => {
    renderUserBox();
    onLogin();
  });
}

/** Runs `onRequired()` when the server asks for a new password before anything else. */
export function onPasswordRequired(onRequired) {
  window.addEventListener('signboard:password-required', () => {
    renderUserBox();
    onRequired();
  });
}

// ---------------------------------------------------------------- passwords

function passwordField(label, autocomplete, hint) {
  const id = nextId('pw');
  const input = h('input', { type: 'password', id, autocomplete, required: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  const el = h('div', { class: 'field' }, h('div', { class: 'field-body' }, h('label', { for: id, text: label }), input, hintEl));
  return { el, input };
}

/** The problem with a new password, checked before sending; null when it may be sent. */
function newPasswordProblem(current, next, again) {
  if (!current) return '请填写当前密码';
  if ([...next].length < 8) return '新密码至少 8 位';
  if (next === current) return '新密码不能与当前密码相同';
  if (next !== again) return '两次输入的新密码不一致';
  return null;
}

/**
 * The change-password form. `forced`: after an administrator's reset, the current password is
 * the one the administrator gave. `onDone()` runs after the server accepted the new password.
 */
export function passwordForm({ forced = false, onDone, extra = null }) {
  const current = passwordField(forced ? '管理员给您的临时密码' : '当前密码', 'current-password');
  const next = passwordField('新密码', 'new-password', '至少 8 位，不要与其他网站的密码相同');
  const again = passwordField('再输一次新密码', 'new-password');
  const msg = h('div', { class: 'notice', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', text: '保存新密码' });
  const form = h('form', { class: 'password-form', novalidate: true }, current.el, next.el, again.el, msg, h('div', { class: 'submit-row' }, submit, extra));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const problem = newPasswordProblem(current.input.value, next.input.value, again.input.value);
    if (problem) {
      notice(msg, problem, 'error');
      return;
    }
    submit.disabled = true;
    try {
      await changePassword(current.input.value, next.input.value);
      form.reset();
      renderUserBox();
      if (onDone) onDone();
    } catch (err) {
      notice(msg, err.message, 'error');
      if (err.code === 'wrong_password') current.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return { form, focus: () => current.input.focus() };
}

/** The page shown instead of everything else while a new password is required. */
export function forcedPasswordView(main, mnTitle) {
  const { form, focus } = passwordForm({
    forced: true,
    onDone: () => {
      window.dispatchEvent(new CustomEvent('signboard:password-changed'));
    },
  });
  replace(
    main,
    heading(1, '请先修改密码', mnTitle),
    h('p', { class: 'notice warn', text: '管理员重置了您的密码。为了账号安全，请先设置一个只有您自己知道的新密码，然后再继续办理。' }),
    h('div', { class: 'card-form narrow' }, form),
  );
  focus();
}

/** Runs `onChanged()` after the forced change succeeded. */
export function onPasswordChanged(onChanged) {
  window.addEventListener('signboard:password-changed', onChanged);
}

let dialog = null;

function closePasswordDialog() {
  if (dialog) {
    if (dialog.open) dialog.close();
    dialog.remove();
    dialog = null;
  }
}

/** The "修改密码" dialog of the user box. */
function openPasswordDialog() {
  closePasswordDialog();
  const titleId = nextId('pw-title');
  const done = h('p', { class: 'notice ok', role: 'status', hidden: true, text: '密码已修改，下次登录请用新密码。' });
  const cancel = h('button', { type: 'button', text: '取消', onclick: () => closePasswordDialog() });
  const { form, focus } = passwordForm({
    extra: cancel,
    onDone: () => {
      form.hidden = true;
      done.hidden = false;
      cancel.remove();
      closeBtn.hidden = false;
      closeBtn.focus();
    },
  });
  const closeBtn = h('button', { type: 'button', class: 'primary', hidden: true, text: '关闭', onclick: () => closePasswordDialog() });
  dialog = h('dialog', { class: 'modal', 'aria-labelledby': titleId }, h('h2', { id: titleId, text: '修改密码' }), form, done, closeBtn);
  dialog.addEventListener('close', () => closePasswordDialog());
  document.body.append(dialog);
  dialog.showModal();
  focus();
}

// ---------------------------------------------------------------- return after login

/**
 * The same-origin page named by `?next=`, as "/page.html#hash", or null. Only our own pages
 * are accepted: an absolute URL, "//host", a backslash or a control character is refused, so
 * a crafted link can never send someone to another site after they log in.
 */
export function safeNext(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  let url;
  try {
    url = new URL(raw, location.origin);
  } catch {
    return null;
  }
  if (url.origin !== location.origin || !/^\/(?:[a-z]+\.html)?$/.test(url.pathname)) return null;
  return url.pathname + url.hash;
}

/**
 * After a login: follows a safe `?next=` to another page (returns true), or drops `?next=`
 * from the address and leaves the hash for the caller to show (returns false).
 */
export function followNext() {
  const params = new URLSearchParams(location.search);
  if (!params.has('next')) return false;
  const next = safeNext(params.get('next'));
  const here = location.pathname;
  if (next) {
    const url = new URL(next, location.origin);
    if (url.pathname !== here && !(url.pathname === '/' && here === '/index.html')) {
      location.assign(next);
      return true;
    }
    history.replaceState(null, '', here + url.hash);
    return false;
  }
  history.replaceState(null, '', here + location.hash);
  return false;
}
