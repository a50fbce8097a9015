// The frame every page shares: the signed-in user with a logout button, and the session ending
// on a 401 or a logout.

import { session, logout } from './api.js';
import { h, replace } from './dom.js';
import { ROLE } from './labels.js';

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
    h('button', { type: 'button', class: 'small', text: '退出登录', onclick: () => logout() }),
  );
  if (onChange) onChange();
}

/** Runs `onLogout(expired)` whenever the session ends. */
export function onSessionEnd(onLogout) {
  window.addEventListener('signboard:logout', (e) => {
    renderUserBox();
    onLogout(Boolean(e.detail && e.detail.expired));
  });
}
